//! One error type for HTTP handlers and server functions, mapped to a status. Internal errors
//! are logged with their detail and answered with a generic message: database text never
//! reaches a client.

use crate::ingest::Problem;
use crate::storage::StorageError;
use axum::extract::rejection::BytesRejection;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("a data-provider token is required: Authorization: Bearer <token>")]
    Unauthorized,
    /// A page or file for logged-in people, asked for without a session.
    #[error("{0}")]
    LoginRequired(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{message}")]
    Unprocessable {
        message: String,
        problems: Vec<Problem>,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A bug or a failed task: logged, answered with a generic message.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::LoginRequired(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Storage(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the client may read.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Storage(e) => {
                tracing::error!(error = %e, "storage error");
                "internal error: the server could not read its data".into()
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                "internal error".into()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = crate::api::ErrorBody {
            error: self.public_message(),
            problems: match &self {
                AppError::Unprocessable { problems, .. } => Some(problems.clone()),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if matches!(self, AppError::Unauthorized) {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                "Bearer".parse().expect("a valid header value"),
            );
        }
        response
    }
}

impl AppError {
    /// A request body that could not be read: too large (413) or broken (400).
    pub fn from_body_rejection(rejection: BytesRejection, limit: usize) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge(format!(
                "the body is larger than this endpoint takes ({limit} bytes at most)"
            ))
        } else {
            AppError::BadRequest(rejection.body_text())
        }
    }
}

impl AppError {
    /// For server functions. `ServerFnError` converts from any error by its text, which would
    /// leak internals: always go through this instead.
    /// Also sets the response's status, so a page rendered on the server answers with it
    /// (a 404 page for an unknown port, not a 200 with an error in it).
    pub fn into_server_fn_error(self) -> leptos::prelude::ServerFnError {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(self.status());
        }
        leptos::prelude::ServerFnError::ServerError(self.public_message())
    }
}
