//! `portsignal org …` and `portsignal user …`: organisations and the people who log in.

use crate::accounts::{normalise_email, password, Follow, NewUser};
use crate::config::{OrgCommand, UserCommand};
use crate::storage::Storage;
use anyhow::Context;

pub async fn org(store: &dyn Storage, command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::Add(args) => {
            let name = args.name.trim();
            anyhow::ensure!(!name.is_empty(), "an organisation needs a name");
            let follows = args
                .follows
                .iter()
                .map(|f| Follow::parse(f))
                .collect::<Result<Vec<_>, _>>()
                .map_err(anyhow::Error::msg)?;
            anyhow::ensure!(
                !store.organisations().await?.iter().any(|o| o.name == name),
                "an organisation named '{name}' exists already"
            );
            let id = store
                .create_organisation(name, &follows, chrono::Utc::now())
                .await?;
            println!("organisation {id} '{name}' added");
        }
        OrgCommand::List => {
            for o in store.organisations().await? {
                let follows: Vec<String> = o
                    .follows
                    .iter()
                    .map(|f| match &f.service {
                        Some(s) => format!("{}:{s}", f.carrier),
                        None => f.carrier.clone(),
                    })
                    .collect();
                println!("{}\t{}\t{}", o.id, o.name, follows.join(","));
            }
        }
    }
    Ok(())
}

/// The password to set: read from standard input (one line), or generated and to be shown.
fn new_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        password::check(&p).map_err(anyhow::Error::msg)?;
        Ok((p, false))
    } else {
        Ok((password::generate(), true))
    }
}

pub async fn user(store: &dyn Storage, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => {
            let email = normalise_email(&args.email).map_err(anyhow::Error::msg)?;
            let org = store
                .organisations()
                .await?
                .into_iter()
                .find(|o| o.name == args.org.trim())
                .with_context(|| {
                    format!(
                        "no organisation '{}': add it with `portsignal org add`",
                        args.org
                    )
                })?;
            anyhow::ensure!(
                store.user_by_email(&email).await?.is_none(),
                "a user {email} exists already"
            );
            let (secret, show) = new_password(args.password_stdin)?;
            let id = store
                .create_user(&NewUser {
                    email: email.clone(),
                    password_hash: password::hash_blocking(secret.clone()).await,
                    role: args.role,
                    organisation_id: Some(org.id),
                    created_at: chrono::Utc::now(),
                })
                .await?;
            eprintln!(
                "user {id} {email} ({}, {}) added",
                args.role.code(),
                org.name
            );
            if show {
                eprintln!("password, shown once:");
                println!("{secret}");
            }
        }
        UserCommand::ResetPassword(args) => {
            let email = normalise_email(&args.email).map_err(anyhow::Error::msg)?;
            let (user, _) = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("no user {email}"))?;
            let (secret, show) = new_password(args.password_stdin)?;
            store
                .set_password(user.id, &password::hash_blocking(secret.clone()).await)
                .await?;
            eprintln!("password of {email} replaced; their sessions have ended");
            if show {
                eprintln!("new password, shown once:");
                println!("{secret}");
            }
        }
        UserCommand::Logout(args) => {
            let email = normalise_email(&args.email).map_err(anyhow::Error::msg)?;
            let (user, _) = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("no user {email}"))?;
            store.end_sessions(user.id).await?;
            println!("every session of {email} has ended");
        }
        UserCommand::List => {
            let orgs = store.organisations().await?;
            for u in store.users().await? {
                let org = orgs
                    .iter()
                    .find(|o| Some(o.id) == u.organisation_id)
                    .map_or("", |o| o.name.as_str());
                let state = if u.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.role.code(),
                    org,
                    state
                );
            }
        }
    }
    Ok(())
}
