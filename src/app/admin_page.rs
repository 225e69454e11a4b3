//! `/admin`, for admins only: users, organisations, API tokens (create, list with last use,
//! revoke), ports, their shift patterns and terminals. Every server function here checks the
//! caller is an admin itself; each answers a line to show, with a new password or token
//! secret shown once.

use super::loaded::loaded;
use super::table_head;
use crate::view_model::{teu, AdminView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[cfg(feature = "ssr")]
async fn admin() -> Result<crate::state::AppState, ServerFnError> {
    super::account::require_role(&[crate::accounts::UserRole::Admin], "administration").await?;
    super::loaded::app_state()
}

#[cfg(feature = "ssr")]
fn failed(e: crate::error::AppError) -> ServerFnError {
    e.into_server_fn_error()
}

/// A request the admin may fix: said as `400`.
#[cfg(feature = "ssr")]
fn bad(message: String) -> ServerFnError {
    failed(crate::error::AppError::BadRequest(message))
}

/// Names separated by commas or spaces.
#[cfg(feature = "ssr")]
fn list(text: &str) -> Vec<String> {
    text.split([',', ' ']).map(str::to_string).collect()
}

#[server(prefix = "/_fn", endpoint = "admin")]
pub async fn get_admin() -> Result<AdminView, ServerFnError> {
    let state = admin().await?;
    crate::queries::admin::admin_view(state.store.as_ref())
        .await
        .map_err(failed)
}

/// `follows`: carriers and services separated by commas or spaces (`MSK, CMDU:PRX`).
#[server(prefix = "/_fn", endpoint = "admin-organisation")]
pub async fn add_organisation(name: String, follows: String) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let follows: Vec<String> = follows.split([',', ' ']).map(str::to_string).collect();
    let id = crate::admin::add_organisation(state.store.as_ref(), &name, &follows)
        .await
        .map_err(failed)?;
    Ok(format!("Organisation {id} '{}' added.", name.trim()))
}

/// A new user with a generated password, shown once in the answer.
#[server(prefix = "/_fn", endpoint = "admin-user")]
pub async fn add_user(email: String, role: String, org: String) -> Result<String, ServerFnError> {
    use crate::accounts::{password, UserRole};
    let state = admin().await?;
    let role = UserRole::from_code(&role)
        .ok_or_else(|| bad(format!("'{role}' is not owner, staff or admin")))?;
    let secret = password::generate();
    let (_, email) = crate::admin::add_user(state.store.as_ref(), &email, role, &org, &secret)
        .await
        .map_err(failed)?;
    Ok(format!(
        "User {email} added. Password, shown once: {secret}"
    ))
}

/// A new generated password for a user, shown once; their sessions end.
#[server(prefix = "/_fn", endpoint = "admin-reset-password")]
pub async fn reset_password(email: String) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let secret = crate::accounts::password::generate();
    let email = crate::admin::set_password(state.store.as_ref(), &email, &secret)
        .await
        .map_err(failed)?;
    Ok(format!(
        "New password of {email}, shown once: {secret} (their sessions have ended)"
    ))
}

#[server(prefix = "/_fn", endpoint = "admin-logout")]
pub async fn log_user_out(email: String) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let email = crate::admin::end_sessions(state.store.as_ref(), &email)
        .await
        .map_err(failed)?;
    Ok(format!("Every session of {email} has ended."))
}

/// `ports`: separated by commas or spaces.
#[server(prefix = "/_fn", endpoint = "admin-token")]
pub async fn create_token(
    role: String,
    label: String,
    ports: String,
) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let role = crate::auth::Role::from_code(&role)
        .ok_or_else(|| bad(format!("'{role}' is not provider or admin")))?;
    let (id, secret) =
        crate::admin::create_token(state.store.as_ref(), role, &label, &list(&ports))
            .await
            .map_err(failed)?;
    Ok(format!("Token {id} created. Secret, shown once: {secret}"))
}

#[server(prefix = "/_fn", endpoint = "admin-revoke")]
pub async fn revoke_token(id: i64) -> Result<String, ServerFnError> {
    let state = admin().await?;
    crate::admin::revoke_token(state.store.as_ref(), id)
        .await
        .map_err(failed)?;
    Ok(format!("Token {id} revoked."))
}

#[server(prefix = "/_fn", endpoint = "admin-port")]
pub async fn save_port(
    locode: String,
    name: String,
    time_zone: String,
) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let port = crate::admin::save_port(state.store.as_ref(), &locode, &name, &time_zone)
        .await
        .map_err(failed)?;
    Ok(format!("Port {} saved.", port.locode))
}

#[server(prefix = "/_fn", endpoint = "admin-shifts")]
pub async fn save_shifts(locode: String, shifts: String) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let text = crate::admin::set_shifts(state.store.as_ref(), &locode, &shifts)
        .await
        .map_err(failed)?;
    Ok(format!(
        "Shifts of {}: {text}.",
        locode.trim().to_uppercase()
    ))
}

#[server(prefix = "/_fn", endpoint = "admin-terminal")]
pub async fn save_terminal(
    port: String,
    code: String,
    name: String,
    berths: i32,
    gang_moves_per_hour: f64,
    daily_capacity_teu: f64,
) -> Result<String, ServerFnError> {
    let state = admin().await?;
    let t = crate::admin::save_terminal(
        state.store.as_ref(),
        crate::domain::Terminal {
            port,
            code,
            name,
            berths,
            gang_moves_per_hour,
            daily_capacity_teu,
        },
    )
    .await
    .map_err(failed)?;
    Ok(format!("Terminal {} {} saved.", t.port, t.code))
}

/// What the last submission of `action` answered.
fn outcome<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Output = String, Error = ServerFnError> + Clone + Send + Sync + 'static,
{
    move || {
        match action.value().get() {
        Some(Ok(said)) => Some(view! { <p class="said" role="status" data-testid="said">{said}</p> }.into_any()),
        Some(Err(e)) => Some(
            view! {
                <p class="error" role="alert">
                    {e.to_string().trim_start_matches("error running server function: ").to_string()}
                </p>
            }
            .into_any(),
        ),
        None => None,
    }
    }
}

fn field(label: &'static str, name: &'static str, kind: &'static str) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type=kind name=name required=kind != "search" step=(kind == "number").then_some("any")/>
        </label>
    }
}

/// The actions of the page: each reloads the lists when it is done.
#[derive(Clone, Copy)]
struct Actions {
    organisation: ServerAction<AddOrganisation>,
    user: ServerAction<AddUser>,
    reset: ServerAction<ResetPassword>,
    logout: ServerAction<LogUserOut>,
    token: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
    port: ServerAction<SavePort>,
    shifts: ServerAction<SaveShifts>,
    terminal: ServerAction<SaveTerminal>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            organisation: ServerAction::new(),
            user: ServerAction::new(),
            reset: ServerAction::new(),
            logout: ServerAction::new(),
            token: ServerAction::new(),
            revoke: ServerAction::new(),
            port: ServerAction::new(),
            shifts: ServerAction::new(),
            terminal: ServerAction::new(),
        }
    }

    fn versions(&self) -> [usize; 9] {
        [
            self.organisation.version().get(),
            self.user.version().get(),
            self.reset.version().get(),
            self.logout.version().get(),
            self.token.version().get(),
            self.revoke.version().get(),
            self.port.version().get(),
            self.shifts.version().get(),
            self.terminal.version().get(),
        ]
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let actions = Actions::new();
    provide_context(actions);
    let resource = Resource::new(move || actions.versions(), |_| get_admin());
    view! {
        <Title text="Administration"/>
        <section class="admin">
            <h1>"Administration"</h1>
            {loaded(resource, "Loading…", "Administration is not available", |v| view! { <AdminPanel view=v/> })}
        </section>
    }
}

#[component]
fn AdminPanel(view: AdminView) -> impl IntoView {
    let a = expect_context::<Actions>();
    let orgs: Vec<String> = view.organisations.iter().map(|o| o.name.clone()).collect();
    view! {
        <h2>"Users"</h2>
        <div class="table-wrap">
            <table data-testid="users">
                {table_head(&["E-mail", "Role", "Organisation", "Since", "Sessions and password"])}
                <tbody>
                    {view.users
                        .into_iter()
                        .map(|u| {
                            let (email, email_again) = (u.email.clone(), u.email.clone());
                            view! {
                            <tr data-user=u.email.clone()>
                                <th scope="row">{u.email.clone()} {u.disabled.then_some(" (disabled)")}</th>
                                <td>{u.role}</td>
                                <td>{u.organisation}</td>
                                <td>{u.created}</td>
                                <td class="actions">
                                    <ActionForm action=a.logout>
                                        <input type="hidden" name="email" value=email_again/>
                                        <button type="submit">"Log out everywhere"</button>
                                    </ActionForm>
                                    <ActionForm action=a.reset>
                                        <input type="hidden" name="email" value=email/>
                                        <button type="submit">"New password"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {outcome(a.logout)}
        {outcome(a.reset)}
        <ActionForm action=a.user attr:class="admin-form" attr:data-testid="add-user">
            {field("E-mail address", "email", "email")}
            <label>
                <span>"Role"</span>
                <select name="role">
                    <option value="owner">"cargo owner"</option>
                    <option value="staff">"port staff"</option>
                    <option value="admin">"admin"</option>
                </select>
            </label>
            <label>
                <span>"Organisation"</span>
                <select name="org">
                    {orgs.iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit">"Add user"</button>
        </ActionForm>
        {outcome(a.user)}

        <h2>"Organisations"</h2>
        <div class="table-wrap">
            <table data-testid="organisations">
                {table_head(&["Name", "Follows", "Users"])}
                <tbody>
                    {view.organisations
                        .into_iter()
                        .map(|o| view! {
                            <tr>
                                <th scope="row">{o.name}</th>
                                <td>{o.follows}</td>
                                <td class="num">{o.users}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <ActionForm action=a.organisation attr:class="admin-form" attr:data-testid="add-organisation">
            {field("Name", "name", "text")}
            {field("Follows (MSK, CMDU:PRX)", "follows", "search")}
            <button type="submit">"Add organisation"</button>
        </ActionForm>
        {outcome(a.organisation)}

        <h2>"API tokens"</h2>
        <div class="table-wrap">
            <table data-testid="tokens">
                {table_head(&["Id", "Starts", "Role", "For", "Ports", "Created", "Last used", "State"])}
                <tbody>
                    {view.tokens
                        .into_iter()
                        .map(|t| {
                            let revoked = !t.revoked.is_empty();
                            view! {
                                <tr data-token=t.id>
                                    <th scope="row">{t.id}</th>
                                    <td><code>{t.prefix}</code></td>
                                    <td>{t.role}</td>
                                    <td>{t.label}</td>
                                    <td>{t.ports}</td>
                                    <td>{t.created}</td>
                                    <td>{if t.last_used.is_empty() { "never".to_string() } else { t.last_used }}</td>
                                    <td>
                                        {if revoked {
                                            format!("revoked {}", t.revoked).into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=a.revoke>
                                                    <input type="hidden" name="id" value=t.id/>
                                                    <button type="submit">"Revoke"</button>
                                                </ActionForm>
                                            }
                                            .into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {outcome(a.revoke)}
        <ActionForm action=a.token attr:class="admin-form" attr:data-testid="create-token">
            <label>
                <span>"Role"</span>
                <select name="role">
                    <option value="provider">"data provider"</option>
                    <option value="admin">"admin"</option>
                </select>
            </label>
            {field("For (who holds it)", "label", "text")}
            {field("Ports (USLAX, USLGB)", "ports", "search")}
            <button type="submit">"Create token"</button>
        </ActionForm>
        {outcome(a.token)}

        <h2>"Ports and terminals"</h2>
        {view.ports
            .into_iter()
            .map(|p| {
                let (locode, locode_again) = (p.locode.clone(), p.locode.clone());
                let heading = format!("{} {} ({})", p.locode, p.name, p.time_zone);
                view! {
                    <div class="admin-port" data-port=p.locode.clone()>
                        <h3>{heading}</h3>
                        <ActionForm action=a.shifts attr:class="admin-form">
                            <input type="hidden" name="locode" value=locode_again/>
                            <label>
                                <span>"Shifts"</span>
                                <input type="text" name="shifts" value=p.shifts.clone() required/>
                            </label>
                            <button type="submit">"Save shifts"</button>
                        </ActionForm>
                        <div class="table-wrap">
                            <table>
                                {table_head(&["Terminal", "Name", "Berths", "Moves per gang-hour", "TEU a day"])}
                                <tbody>
                                    {p.terminals
                                        .into_iter()
                                        .map(|t| view! {
                                            <tr data-terminal=t.code.clone()>
                                                <th scope="row">{t.code.clone()}</th>
                                                <td>{t.name}</td>
                                                <td class="num">{t.berths}</td>
                                                <td class="num">{t.gang_moves_per_hour}</td>
                                                <td class="num">{teu(t.daily_capacity_teu)}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <ActionForm action=a.terminal attr:class="admin-form" attr:data-testid="save-terminal">
                            <input type="hidden" name="port" value=locode/>
                            {field("Code", "code", "text")}
                            {field("Name", "name", "text")}
                            {field("Berths", "berths", "number")}
                            {field("Moves per gang-hour", "gang_moves_per_hour", "number")}
                            {field("TEU a day", "daily_capacity_teu", "number")}
                            <button type="submit">"Save terminal"</button>
                        </ActionForm>
                    </div>
                }
            })
            .collect_view()}
        {outcome(a.shifts)}
        {outcome(a.terminal)}
        <ActionForm action=a.port attr:class="admin-form" attr:data-testid="save-port">
            {field("UN/LOCODE", "locode", "text")}
            {field("Name", "name", "text")}
            {field("Time zone (IANA)", "time_zone", "text")}
            <button type="submit">"Save port"</button>
        </ActionForm>
        {outcome(a.port)}
    }
}
