//! Read path of `/admin`: users, organisations, tokens and ports as the page lists them. No
//! password hash or token secret is read here (the store never gives them out in lists).

use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{AdminOrganisation, AdminPort, AdminToken, AdminUser, AdminView};
use chrono::{DateTime, Utc};

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub async fn admin_view(store: &dyn Storage) -> Result<AdminView, AppError> {
    let organisations = store.organisations().await?;
    let users = store.users().await?;
    let org_name = |id: Option<i64>| {
        organisations
            .iter()
            .find(|o| Some(o.id) == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let mut ports = Vec::new();
    for p in store.ports().await? {
        ports.push(AdminPort {
            shifts: store.port_shifts(&p.locode).await?.unwrap_or_default(),
            terminals: store.terminals(&p.locode).await?,
            locode: p.locode,
            name: p.name,
            time_zone: p.time_zone,
        });
    }
    Ok(AdminView {
        users: users
            .iter()
            .map(|u| AdminUser {
                email: u.email.clone(),
                role: u.role.code().into(),
                organisation: org_name(u.organisation_id),
                created: stamp(u.created_at),
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
        organisations: organisations
            .iter()
            .map(|o| AdminOrganisation {
                name: o.name.clone(),
                follows: o
                    .follows
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                users: users
                    .iter()
                    .filter(|u| u.organisation_id == Some(o.id))
                    .count(),
            })
            .collect(),
        tokens: store
            .tokens()
            .await?
            .into_iter()
            .map(|t| AdminToken {
                id: t.id,
                prefix: t.prefix,
                role: t.role.code().into(),
                label: t.label,
                ports: t.ports.join(", "),
                created: stamp(t.created_at),
                last_used: t.last_used_at.map(stamp).unwrap_or_default(),
                revoked: t.revoked_at.map(stamp).unwrap_or_default(),
            })
            .collect(),
        ports,
    })
}
