//! `portsignal org …` and `portsignal user …`: organisations and the people who log in.

use crate::accounts::password;
use crate::config::{OrgCommand, UserCommand};
use crate::storage::Storage;
use anyhow::Context;

pub async fn org(store: &dyn Storage, command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::Add(args) => {
            let id = crate::admin::add_organisation(store, &args.name, &args.follows).await?;
            println!("organisation {id} '{}' added", args.name.trim());
        }
        OrgCommand::List => {
            for o in store.organisations().await? {
                let follows: Vec<String> = o.follows.iter().map(ToString::to_string).collect();
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
            let (secret, show) = new_password(args.password_stdin)?;
            let (id, email) =
                crate::admin::add_user(store, &args.email, args.role, &args.org, &secret).await?;
            eprintln!(
                "user {id} {email} ({}, {}) added",
                args.role.code(),
                args.org.trim()
            );
            if show {
                eprintln!("password, shown once:");
                println!("{secret}");
            }
        }
        UserCommand::ResetPassword(args) => {
            let (secret, show) = new_password(args.password_stdin)?;
            let email = crate::admin::set_password(store, &args.email, &secret).await?;
            eprintln!("password of {email} replaced; their sessions have ended");
            if show {
                eprintln!("new password, shown once:");
                println!("{secret}");
            }
        }
        UserCommand::Logout(args) => {
            let email = crate::admin::end_sessions(store, &args.email).await?;
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
