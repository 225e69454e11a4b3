//! Logging in and out: `/login`, and the header's account line. The server functions are
//! public endpoints: each finds the caller from the session itself.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Who is logged in, as the page may show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    /// `owner`, `staff` or `admin`.
    pub role: String,
}

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, ServerFnError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| ServerFnError::ServerError(format!("no session: {e}")))
}

#[cfg(feature = "ssr")]
fn internal(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "session store");
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    ServerFnError::ServerError("internal error".into())
}

/// The server's state, this request's session and its user (if any).
#[cfg(feature = "ssr")]
async fn session_user() -> Result<
    (
        crate::state::AppState,
        tower_sessions::Session,
        Option<crate::accounts::User>,
    ),
    ServerFnError,
> {
    let state = super::loaded::app_state()?;
    let session = session().await?;
    let user = crate::sessions::user(&session, state.store.as_ref())
        .await
        .map_err(internal)?;
    Ok((state, session, user))
}

#[server(prefix = "/_fn", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<AccountView>, ServerFnError> {
    let (_, _, user) = session_user().await?;
    Ok(user.map(|u| AccountView {
        email: u.email,
        role: u.role.code().into(),
    }))
}

#[server(prefix = "/_fn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<AccountView, ServerFnError> {
    use crate::accounts::login::{log_in, Outcome};
    use axum::http::{HeaderValue, StatusCode};
    let state = super::loaded::app_state()?;
    let session = session().await?;
    let address = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let refused = || {
        response.set_status(StatusCode::UNAUTHORIZED);
        ServerFnError::ServerError("The e-mail address or the password is wrong.".into())
    };
    let Ok(email) = crate::accounts::normalise_email(&email) else {
        return Err(refused());
    };
    let outcome = log_in(
        state.store.as_ref(),
        &email,
        &password,
        &address,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| crate::error::AppError::from(e).into_server_fn_error())?;
    match outcome {
        Outcome::LoggedIn(user) => {
            crate::sessions::start(&session, &user)
                .await
                .map_err(internal)?;
            tracing::info!(user = user.id, "logged in");
            Ok(AccountView {
                email: user.email,
                role: user.role.code().into(),
            })
        }
        Outcome::Refused => {
            tracing::warn!(%address, "login refused");
            Err(refused())
        }
        Outcome::Throttled(wait) => {
            response.set_status(StatusCode::TOO_MANY_REQUESTS);
            response.insert_header(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(wait.num_seconds()),
            );
            tracing::warn!(%address, "login throttled");
            Err(ServerFnError::ServerError(format!(
                "Too many failed attempts: try again in {} minutes.",
                wait.num_minutes()
            )))
        }
    }
}

/// Ends this session, or with `everywhere` every session of the user.
#[server(prefix = "/_fn", endpoint = "logout")]
pub async fn logout(everywhere: bool) -> Result<(), ServerFnError> {
    let (state, session, user) = session_user().await?;
    if everywhere {
        if let Some(user) = user {
            state
                .store
                .end_sessions(user.id)
                .await
                .map_err(|e| crate::error::AppError::from(e).into_server_fn_error())?;
        }
    }
    crate::sessions::end(&session).await.map_err(internal)?;
    Ok(())
}

/// After logging in or out, the whole page is loaded again: every part of it may change.
fn reload_to(path: &'static str) {
    #[cfg(feature = "hydrate")]
    let _ = window().location().assign(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload_to("/");
        }
    });
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(
            e.to_string()
                .trim_start_matches("error running server function: ")
                .to_string(),
        ),
        _ => None,
    };
    view! {
        <Title text="Log in"/>
        <section class="login">
            <h1>"Log in"</h1>
            <p class="as-of">"For port staff, cargo owners and administrators. The public pages need no account."</p>
            <ActionForm action=action>
                <div class="login-form">
                    <label>
                        <span>"E-mail address"</span>
                        <input type="email" name="email" autocomplete="username" required/>
                    </label>
                    <label>
                        <span>"Password"</span>
                        <input type="password" name="password" autocomplete="current-password" required/>
                    </label>
                    <button type="submit">"Log in"</button>
                </div>
            </ActionForm>
            {move || error().map(|e| view! { <p class="error" role="alert" data-testid="login-error">{e}</p> })}
        </section>
    }
}

/// The header's account line: a link to log in, or who is logged in and the ways out.
#[component]
pub fn AccountLine() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let out = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = out.value().get() {
            reload_to("/");
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(account)) => view! {
                        <div class="account" data-testid="account">
                            {(account.role == "staff" || account.role == "admin")
                                .then(|| view! { <a href="/staff/labour">"Labour"</a> })}
                            {(account.role == "owner" || account.role == "admin")
                                .then(|| view! { <a href="/owner">"My volume"</a> })}
                            {(account.role == "admin")
                                .then(|| view! { <a href="/admin">"Admin"</a> })}
                            <span>{account.email} " (" {account.role} ")"</span>
                            <ActionForm action=out>
                                <input type="hidden" name="everywhere" value="false"/>
                                <button type="submit">"Log out"</button>
                            </ActionForm>
                            <ActionForm action=out>
                                <input type="hidden" name="everywhere" value="true"/>
                                <button type="submit">"Log out everywhere"</button>
                            </ActionForm>
                        </div>
                    }
                    .into_any(),
                    _ => view! { <a class="account" href="/login">"Log in"</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The start of `user`'s previous visit. A visit is a session: its first page view notes
/// the visit and keeps the one before in the session, so "since your last visit" stays the
/// same however often the page loads, and the next session compares with this one.
#[cfg(feature = "ssr")]
pub async fn visit_baseline(
    user: &crate::accounts::User,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ServerFnError> {
    const KEY: &str = "visit_baseline";
    let state = super::loaded::app_state()?;
    let session = session().await?;
    if let Some(baseline) = session
        .get::<Option<chrono::DateTime<chrono::Utc>>>(KEY)
        .await
        .map_err(internal)?
    {
        return Ok(baseline);
    }
    let previous = state.store.visit(user.id, now).await.map_err(internal)?;
    session.insert(KEY, previous).await.map_err(internal)?;
    Ok(previous)
}

/// The caller, when logged in with one of `allowed` roles: else `401` (nobody logged in) or
/// `403` (another role), said so the page can show it.
#[cfg(feature = "ssr")]
pub async fn require_role(
    allowed: &[crate::accounts::UserRole],
    what: &str,
) -> Result<crate::accounts::User, ServerFnError> {
    use crate::sessions::Access;
    use axum::http::StatusCode;
    let state = super::loaded::app_state()?;
    let session = session().await?;
    let access = crate::sessions::access(&session, state.store.as_ref(), allowed)
        .await
        .map_err(internal)?;
    let deny = |status: StatusCode, message: String| {
        if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
            r.set_status(status);
        }
        ServerFnError::ServerError(message)
    };
    match access {
        Access::Allowed(u) => Ok(u),
        Access::Denied => Err(deny(
            StatusCode::FORBIDDEN,
            format!("Your account may not see {what}."),
        )),
        Access::NotLoggedIn => Err(deny(
            StatusCode::UNAUTHORIZED,
            format!("Log in to see {what}."),
        )),
    }
}
