//! One error type for HTTP handlers and server functions, mapped to a status. Internal errors
//! are logged with their detail and answered with a generic message: database text never
//! reaches a client.

use crate::storage::StorageError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the client may read.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Storage(e) => {
                tracing::error!(error = %e, "storage error");
                "internal error: the server could not read its data".into()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        (
            status,
            Json(serde_json::json!({ "error": self.public_message() })),
        )
            .into_response()
    }
}

impl AppError {
    /// For server functions. `ServerFnError` converts from any error by its text, which would
    /// leak internals: always go through this instead.
    pub fn into_server_fn_error(self) -> leptos::prelude::ServerFnError {
        leptos::prelude::ServerFnError::ServerError(self.public_message())
    }
}
