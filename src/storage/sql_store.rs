//! The SQL both backends share. It is written once and expanded for each driver, because sqlx's
//! drivers are distinct types: the statements, binds and row mapping are the same text for
//! SQLite and PostgreSQL (`$n` binds, `ON CONFLICT`, `excluded`), only the pool differs.
//!
//! A backend provides `reader(&self) -> &Pool<DB>` and `begin_write(&self) -> Result<Transaction>`.

macro_rules! sql_store {
    ($store:ty, $db:ty, $backend:expr) => {
        use crate::accounts::{Follow, NewUser, Organisation, User, Watch, WatchKind};
        use crate::auth::{ApiToken, NewToken};
        use crate::domain::accuracy::{ForecastKind, IssuedForecast};
        use crate::domain::{MonthlyStats, Port, PortCall, PortCallEvent, Terminal, Vessel, CallTimes};
        use crate::storage::rows::*;
        use crate::storage::{Backend, Batch, EventOutcome, Storage};
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sqlx::query_builder::Separated;
        use sqlx::QueryBuilder;
        use std::collections::BTreeMap;

        /// The columns of a port call that its schedule owns (see `Existing::UpdateSchedule`).
        const SCHEDULE_COLUMNS: [&str; 10] = [
            "terminal_code", "carrier_code", "service_code", "export_voyage", "vessel_imo",
            "exp_discharge_laden_teu", "exp_discharge_empty_teu", "exp_load_laden_teu",
            "exp_load_empty_teu", "rail_share",
        ];

        /// Rows per multi-row INSERT: 500 port calls are 13,500 binds, inside both drivers' limits.
        const CHUNK_ROWS: usize = 500;

        async fn insert_rows<'a, T>(
            tx: &mut sqlx::Transaction<'static, $db>,
            head: &str,
            rows: &'a [T],
            tail: &str,
            mut bind: impl FnMut(Separated<'_, 'a, $db, &'static str>, &'a T),
        ) -> Result<()> {
            for chunk in rows.chunks(CHUNK_ROWS) {
                let mut q = QueryBuilder::<$db>::new(head);
                q.push_values(chunk, |b, row| bind(b, row));
                q.push(tail);
                q.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// A call's times, in `TIME_COLUMNS` order, then its best arrival.
        fn bind_times(b: &mut Separated<'_, '_, $db, &'static str>, t: &CallTimes) {
            b.push_bind(t.omitted)
                .push_bind(t.planned_arrival)
                .push_bind(t.estimated_arrival)
                .push_bind(t.requested_arrival)
                .push_bind(t.actual_anchorage_arrival)
                .push_bind(t.actual_berth_arrival)
                .push_bind(t.planned_departure)
                .push_bind(t.estimated_departure)
                .push_bind(t.actual_departure)
                .push_bind(t.best_arrival());
        }

        /// `head` (ending in `IN (`) followed by the references as binds and `)`.
        fn in_list<'a, S: AsRef<str> + 'a>(head: impl Into<String>, refs: &'a [S]) -> QueryBuilder<'a, $db> {
            let mut q = QueryBuilder::<$db>::new(head);
            let mut list = q.separated(", ");
            for r in refs {
                list.push_bind(r.as_ref());
            }
            q.push(")");
            q
        }

        /// The conditions of `status` at `now`, as `PortCall::status` decides it: omitted
        /// first, then the latest of departure, berth and anchorage that has happened, then
        /// whether the latest ETA is within the en-route horizon.
        fn push_status(q: &mut QueryBuilder<'_, $db>, status: crate::domain::VesselStatus, now: DateTime<Utc>) {
            use crate::domain::VesselStatus::*;
            // Written so that no index on the column serves it (NULL compares false anyway):
            // what has happened is most of a port's history, and the open calls' index finds
            // the few that matter.
            let happened = |q: &mut QueryBuilder<'_, $db>, column: &str| {
                q.push(format!(" AND COALESCE({column}, {column}) <= ")).push_bind(now);
            };
            let not_yet = |q: &mut QueryBuilder<'_, $db>, column: &str| {
                q.push(format!(" AND ({column} IS NULL OR {column} > ")).push_bind(now).push(")");
            };
            if status == Omitted {
                q.push(" AND omitted");
                return;
            }
            q.push(" AND NOT omitted");
            let order = ["actual_departure", "actual_berth_arrival", "actual_anchorage_arrival"];
            let reached = match status {
                Departed => Some(0),
                AtBerth => Some(1),
                AtAnchor => Some(2),
                _ => None,
            };
            for (i, column) in order.iter().enumerate() {
                match reached {
                    Some(r) if i == r => happened(q, column),
                    Some(r) if i > r => {}
                    // The calls not departed are few: the `port_calls_open` index finds them.
                    _ if i == 0 => push_not_departed(q, now),
                    _ => not_yet(q, column),
                }
            }
            let horizon = now + crate::domain::port_call::EN_ROUTE_HORIZON;
            match status {
                EnRoute => {
                    q.push(" AND COALESCE(estimated_arrival, planned_arrival) <= ").push_bind(horizon);
                }
                Scheduled => {
                    q.push(" AND (COALESCE(estimated_arrival, planned_arrival) IS NULL OR COALESCE(estimated_arrival, planned_arrival) > ")
                        .push_bind(horizon)
                        .push(")");
                }
                _ => {}
            }
        }

        /// Not departed at `now`, written as the `port_calls_open` index is (no departure
        /// counts as one at the end of time).
        fn push_not_departed(q: &mut QueryBuilder<'_, $db>, now: DateTime<Utc>) {
            q.push(" AND COALESCE(actual_departure, '9999-12-31T23:59:59+00:00') > ").push_bind(now);
        }

        /// `port`'s calls whose `column` lies from `from` up to `to` (`upper`: `<` or `<=`), in
        /// that column's order.
        async fn calls_between(
            pool: &sqlx::Pool<$db>,
            port: &str,
            column: &str,
            (from, upper, to): (DateTime<Utc>, &str, DateTime<Utc>),
        ) -> Result<Vec<PortCall>> {
            let sql = format!(
                "SELECT {PORT_CALL_COLUMNS} FROM port_calls WHERE port_locode = $1 \
                 AND {column} >= $2 AND {column} {upper} $3 ORDER BY {column}, call_ref"
            );
            let rows: Vec<PortCallRow> =
                sqlx::query_as(&sql).bind(port).bind(from).bind(to).fetch_all(pool).await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        /// The conditions of `filter` but its cursor, limit and order.
        fn push_filter(q: &mut QueryBuilder<'_, $db>, filter: &crate::storage::CallFilter) {
            if let Some(port) = &filter.port {
                q.push(" AND port_locode = ").push_bind(port.clone());
            }
            if let Some(service) = &filter.service {
                q.push(" AND service_code = ").push_bind(service.clone());
            }
            if let Some(imo) = &filter.vessel_imo {
                q.push(" AND vessel_imo = ").push_bind(imo.clone());
            }
            if let Some(terminal) = &filter.terminal {
                q.push(" AND terminal_code = ").push_bind(terminal.clone());
            }
            if let Some(carrier) = &filter.carrier {
                q.push(" AND carrier_code = ").push_bind(carrier.clone());
            }
            if let Some((status, now)) = filter.status {
                push_status(q, status, now);
            }
            if let Some(now) = filter.open_at {
                q.push(" AND NOT omitted");
                push_not_departed(q, now);
            }
            // Calls not departed are found by `port_calls_open`, which also holds the arrival:
            // the range is then written so that the arrival index does not tempt the planner.
            let open = filter.open_at.is_some()
                || filter.status.is_some_and(|(s, _)| {
                    !matches!(s, crate::domain::VesselStatus::Departed | crate::domain::VesselStatus::Omitted)
                });
            let arrival = if open { "COALESCE(best_arrival, best_arrival)" } else { "best_arrival" };
            if let Some(from) = filter.from {
                q.push(format!(" AND {arrival} >= ")).push_bind(from);
            }
            if let Some(to) = filter.to {
                q.push(format!(" AND {arrival} < ")).push_bind(to);
            }
        }

        /// Marks the data as changed (see `Storage::data_version`), in the writing transaction.
        async fn bump_version(tx: &mut sqlx::Transaction<'static, $db>) -> Result<()> {
            sqlx::query("UPDATE data_version SET n = n + 1").execute(&mut **tx).await?;
            Ok(())
        }

        /// Serialises the writes that move a port's calls, on PostgreSQL, where several
        /// instances write at once: each takes the lock of every port it touches (those of
        /// `incoming` calls and ports, and of the stored `call_refs`), in key order, until it
        /// commits. Without it a write's "before" could be read while another instance was
        /// changing the same calls or counting the same week again, and the rollups'
        /// difference would be taken from the wrong base. Writes to different ports take turns
        /// only at their last step (every write bumps the one data version). SQLite needs
        /// none: it has one writer. A call keeps its port (its reference names it), so the
        /// ports read here are those it will have.
        async fn lock_ports<'a>(
            tx: &mut sqlx::Transaction<'static, $db>,
            call_refs: &[&str],
            incoming: impl Iterator<Item = &'a str>,
        ) -> Result<()> {
            use crate::storage::postgres::port_lock_key;
            if !matches!($backend, Backend::Postgres) {
                return Ok(());
            }
            let mut keys: std::collections::BTreeSet<i32> = incoming.map(port_lock_key).collect();
            for chunk in call_refs.chunks(CHUNK_ROWS) {
                let mut q = in_list("SELECT DISTINCT port_locode FROM port_calls WHERE call_ref IN (", chunk);
                let stored: Vec<String> = q.build_query_scalar().fetch_all(&mut **tx).await?;
                keys.extend(stored.iter().map(|p| port_lock_key(p)));
            }
            for key in keys {
                // The first key names portsignal's port locks ("port" in ASCII).
                sqlx::query("SELECT pg_advisory_xact_lock(1886351988, $1)")
                    .bind(key)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }

        /// The ports of `ports` whose stored time zone differs from the one given.
        async fn rezoned(tx: &mut sqlx::Transaction<'static, $db>, ports: &[Port]) -> Result<Vec<String>> {
            let mut out = Vec::new();
            for p in ports {
                if stored_zone(tx, &p.locode).await?.is_some_and(|z| z != p.time_zone) {
                    out.push(p.locode.clone());
                }
            }
            Ok(out)
        }

        /// Counts all the rollup cells of `port` again from its calls, in `tx`: for a database
        /// from before the rollups, and for a port whose time zone moved its week boundaries.
        async fn recount_port(tx: &mut sqlx::Transaction<'static, $db>, port: &str) -> Result<()> {
            sqlx::query("DELETE FROM call_weeks WHERE port_locode = $1")
                .bind(port)
                .execute(&mut **tx)
                .await?;
            let berths: Vec<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT actual_berth_arrival FROM port_calls \
                 WHERE port_locode = $1 AND actual_berth_arrival IS NOT NULL",
            )
            .bind(port)
            .fetch_all(&mut **tx)
            .await?;
            let tz = zone_of(tx, port).await?;
            let weeks = berths.iter().map(|t| crate::domain::IsoWeek::at(*t, &tz)).collect();
            recount_weeks(tx, port, &tz, weeks).await
        }

        /// What the weekly rollups need of the calls `call_refs` as they stand in `tx` (calls
        /// without a berth arrival left out).
        async fn berths_of(tx: &mut sqlx::Transaction<'static, $db>, call_refs: &[&str]) -> Result<Vec<BerthRow>> {
            let mut out = Vec::new();
            for chunk in call_refs.chunks(CHUNK_ROWS) {
                let mut q = in_list(
                    format!(
                        "SELECT {BERTH_COLUMNS} FROM port_calls \
                         WHERE actual_berth_arrival IS NOT NULL AND call_ref IN ("
                    ),
                    chunk,
                );
                let rows: Vec<BerthRow> = q.build_query_as().fetch_all(&mut **tx).await?;
                out.extend(rows);
            }
            Ok(out)
        }

        /// The time zone stored for `port`, as written (none for an unknown port).
        async fn stored_zone(tx: &mut sqlx::Transaction<'static, $db>, port: &str) -> Result<Option<String>> {
            Ok(sqlx::query_scalar("SELECT time_zone FROM ports WHERE locode = $1")
                .bind(port)
                .fetch_optional(&mut **tx)
                .await?)
        }

        /// A port's time zone (UTC when it names none the store knows).
        async fn zone_of(tx: &mut sqlx::Transaction<'static, $db>, port: &str) -> Result<chrono_tz::Tz> {
            let zone = stored_zone(tx, port).await?;
            Ok(zone.and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC))
        }

        /// Brings the weekly rollups up to date with a write, in its transaction: `before` and
        /// `after` are what `berths_of` read of the written calls before and after it. Most
        /// writes only add to cells (`domain::rollup::changes`); the weeks a call left, or
        /// where a wait got shorter, are counted again from their calls.
        async fn follow_berths(
            tx: &mut sqlx::Transaction<'static, $db>,
            before: Vec<BerthRow>,
            after: Vec<BerthRow>,
        ) -> Result<()> {
            use crate::domain::indicator::week_start_utc;
            use crate::domain::rollup::{cells_of, changes};
            let mut by_port: BTreeMap<&str, (Vec<&BerthRow>, Vec<&BerthRow>)> = BTreeMap::new();
            for r in &before {
                by_port.entry(&r.port_locode).or_default().0.push(r);
            }
            for r in &after {
                by_port.entry(&r.port_locode).or_default().1.push(r);
            }
            for (port, (before, after)) in by_port {
                let tz = zone_of(tx, port).await?;
                let cells = |rows: Vec<&BerthRow>| cells_of(rows.into_iter().map(Into::into), DateTime::<Utc>::MAX_UTC, &tz);
                let changes = changes(&cells(before), &cells(after));
                let head = format!("INSERT INTO call_weeks (port_locode, week_start, {CALL_WEEK_COLUMNS}) ");
                let tail = " ON CONFLICT (port_locode, week_start, carrier_code, service_code, terminal_code) \
                    DO UPDATE SET berthed = call_weeks.berthed + excluded.berthed, \
                    scored = call_weeks.scored + excluded.scored, \
                    on_time = call_weeks.on_time + excluded.on_time, \
                    delay_minutes = call_weeks.delay_minutes + excluded.delay_minutes, \
                    anchored = call_weeks.anchored + excluded.anchored, \
                    wait_tenths = call_weeks.wait_tenths + excluded.wait_tenths, \
                    max_wait_tenths = CASE WHEN excluded.max_wait_tenths > call_weeks.max_wait_tenths \
                    THEN excluded.max_wait_tenths ELSE call_weeks.max_wait_tenths END";
                insert_rows(tx, &head, &changes.add, tail, |b, c| bind_cell(b, port, week_start_utc(c.week, &tz), c)).await?;
                recount_weeks(tx, port, &tz, changes.recount).await?;
            }
            Ok(())
        }

        /// A cell's values, in `port_locode, week_start, CALL_WEEK_COLUMNS` order.
        fn bind_cell<'a>(
            mut b: Separated<'_, 'a, $db, &'static str>,
            port: &'a str,
            week_start: DateTime<Utc>,
            c: &'a crate::domain::rollup::WeekCell,
        ) {
            b.push_bind(port)
                .push_bind(week_start)
                .push_bind(c.week.year)
                .push_bind(c.week.week as i32)
                .push_bind(&c.carrier)
                .push_bind(&c.service)
                .push_bind(&c.terminal)
                .push_bind(c.berthed)
                .push_bind(c.scored)
                .push_bind(c.on_time)
                .push_bind(c.delay_minutes)
                .push_bind(c.anchored)
                .push_bind(c.wait_tenths)
                .push_bind(c.max_wait_tenths);
        }

        /// Counts the cells of `weeks` of `port` again from the calls as they are now in `tx`.
        async fn recount_weeks(
            tx: &mut sqlx::Transaction<'static, $db>,
            port: &str,
            tz: &chrono_tz::Tz,
            weeks: std::collections::BTreeSet<crate::domain::IsoWeek>,
        ) -> Result<()> {
            use crate::domain::indicator::week_start_utc;
            use crate::domain::rollup::{cells_of, WeekCell};
            use crate::domain::IsoWeek;
            // Runs of nearby weeks, each read in one range.
            let mut runs: Vec<Vec<IsoWeek>> = Vec::new();
            for w in weeks {
                match runs.last_mut() {
                    Some(run) if (w.start() - run[run.len() - 1].start()).num_weeks() <= 4 => run.push(w),
                    _ => runs.push(vec![w]),
                }
            }
            for run in runs {
                let from = week_start_utc(run[0], tz);
                let to = week_start_utc(run[run.len() - 1].offset(1), tz);
                let sql = format!(
                    "SELECT {BERTH_COLUMNS} FROM port_calls WHERE port_locode = $1 \
                     AND actual_berth_arrival >= $2 AND actual_berth_arrival < $3"
                );
                let rows: Vec<BerthRow> = sqlx::query_as(&sql).bind(port).bind(from).bind(to).fetch_all(&mut **tx).await?;
                let fresh: Vec<WeekCell> = cells_of(rows.iter().map(Into::into), DateTime::<Utc>::MAX_UTC, tz)
                    .into_iter()
                    .filter(|c| run.contains(&c.week))
                    .collect();
                let starts: Vec<DateTime<Utc>> = run.iter().map(|w| week_start_utc(*w, tz)).collect();
                for chunk in starts.chunks(CHUNK_ROWS) {
                    let mut q = QueryBuilder::<$db>::new("DELETE FROM call_weeks WHERE port_locode = ");
                    q.push_bind(port).push(" AND week_start IN (");
                    let mut list = q.separated(", ");
                    for s in chunk {
                        list.push_bind(*s);
                    }
                    q.push(")");
                    q.build().execute(&mut **tx).await?;
                }
                let head = format!("INSERT INTO call_weeks (port_locode, week_start, {CALL_WEEK_COLUMNS}) ");
                insert_rows(tx, &head, &fresh, "", |b, c| bind_cell(b, port, week_start_utc(c.week, tz), c)).await?;
            }
            Ok(())
        }

        /// One event's values, in `EVENT_COLUMNS` order.
        fn bind_event<'a>(mut b: Separated<'_, 'a, $db, &'static str>, e: &'a PortCallEvent) {
            b.push_bind(&e.call_ref)
                .push_bind(&e.source)
                .push_bind(&e.publisher)
                .push_bind(e.classifier.code())
                .push_bind(e.event_type.code())
                .push_bind(e.facility_type.code())
                .push_bind(e.event_time)
                .push_bind(e.issued_at)
                .push_bind(e.received_at)
                .push_bind(&e.delay_reason)
                .push_bind(&e.remark);
        }

        async fn insert_events(
            tx: &mut sqlx::Transaction<'static, $db>,
            events: &[PortCallEvent],
        ) -> Result<()> {
            let head = format!("INSERT INTO port_call_events ({EVENT_COLUMNS}) ");
            insert_rows(tx, &head, events, " ON CONFLICT DO NOTHING", bind_event).await
        }

        async fn with_ports(pool: &sqlx::Pool<$db>, rows: Vec<TokenRow>) -> Result<Vec<ApiToken>> {
            let mut tokens = Vec::with_capacity(rows.len());
            for row in rows {
                let ports: Vec<String> = sqlx::query_scalar(
                    "SELECT port_locode FROM api_token_ports WHERE token_id = $1 ORDER BY port_locode",
                )
                .bind(row.id())
                .fetch_all(pool)
                .await?;
                tokens.push(row.into_token(ports)?);
            }
            Ok(tokens)
        }

        /// Creates the batch's reference data and port calls. Rows that exist already are
        /// replaced (`None`), or treated as `Existing` says.
        async fn write_rows(
            tx: &mut sqlx::Transaction<'static, $db>,
            batch: &Batch,
            existing: Option<crate::storage::Existing>,
        ) -> Result<()> {
        // Ports, terminals, carriers and services are named by whoever set them up: feeds and
        // schedules add the missing ones and leave the rest.
        let keep = existing.is_some();
        let keep_all = existing == Some(crate::storage::Existing::Keep);
        let head = format!("INSERT INTO ports ({PORT_COLUMNS}) ");
        let tail = on_conflict(keep, " ON CONFLICT (locode) DO UPDATE SET name = excluded.name, \
            time_zone = excluded.time_zone");
        insert_rows(tx, &head, &batch.ports, &tail, |mut b, p| {
            b.push_bind(&p.locode).push_bind(&p.name).push_bind(&p.time_zone);
        })
        .await?;

        let head = format!("INSERT INTO terminals ({TERMINAL_COLUMNS}) ");
        let tail = on_conflict(keep, " ON CONFLICT (port_locode, code) DO UPDATE SET name = excluded.name, \
            berths = excluded.berths, gang_moves_per_hour = excluded.gang_moves_per_hour, \
            daily_capacity_teu = excluded.daily_capacity_teu");
        insert_rows(tx, &head, &batch.terminals, &tail, |mut b, t| {
            b.push_bind(&t.port)
                .push_bind(&t.code)
                .push_bind(&t.name)
                .push_bind(t.berths)
                .push_bind(t.gang_moves_per_hour)
                .push_bind(t.daily_capacity_teu);
        })
        .await?;

        let tail = on_conflict(keep, " ON CONFLICT (code) DO UPDATE SET name = excluded.name");
        insert_rows(tx, "INSERT INTO carriers (code, name) ", &batch.carriers, &tail, |mut b, c| {
            b.push_bind(&c.code).push_bind(&c.name);
        })
        .await?;

        let head = "INSERT INTO services (carrier_code, code, name) ";
        let tail = on_conflict(keep, " ON CONFLICT (carrier_code, code) DO UPDATE SET name = excluded.name");
        insert_rows(tx, head, &batch.services, &tail, |mut b, s| {
            b.push_bind(&s.carrier).push_bind(&s.code).push_bind(&s.name);
        })
        .await?;

        let head = format!("INSERT INTO vessels ({VESSEL_COLUMNS}) ");
        // What a source does not say (None) does not erase what another said.
        let tail = on_conflict(keep_all, " ON CONFLICT (imo) DO UPDATE SET name = excluded.name, \
            mmsi = COALESCE(excluded.mmsi, vessels.mmsi), \
            call_sign = COALESCE(excluded.call_sign, vessels.call_sign), \
            operator_code = COALESCE(excluded.operator_code, vessels.operator_code), \
            teu_capacity = COALESCE(excluded.teu_capacity, vessels.teu_capacity)");
        insert_rows(tx, &head, &batch.vessels, &tail, |mut b, v| {
            b.push_bind(&v.imo)
                .push_bind(&v.name)
                .push_bind(&v.mmsi)
                .push_bind(&v.call_sign)
                .push_bind(&v.operator)
                .push_bind(v.teu_capacity);
        })
        .await?;

        let head = format!("INSERT INTO port_calls ({PORT_CALL_COLUMNS}) ");
        let updates: Vec<String> = match existing {
            Some(crate::storage::Existing::UpdateSchedule) => {
                SCHEDULE_COLUMNS.iter().map(|c| format!("{c} = excluded.{c}")).collect()
            }
            _ => PORT_CALL_COLUMNS
                .split(',')
                .map(str::trim)
                // A call keeps the port it was first stored at: every feed names the port in
                // the reference, and the rollups and port locks rely on it.
                .filter(|c| *c != "call_ref" && *c != "port_locode")
                .map(|c| format!("{c} = excluded.{c}"))
                .collect(),
        };
        let tail = on_conflict(keep_all, &format!(" ON CONFLICT (call_ref) DO UPDATE SET {}", updates.join(", ")));
        insert_rows(tx, &head, &batch.port_calls, &tail, |mut b, c| {
            let t = &c.times;
            let actual = c.actual;
            b.push_bind(&c.call_ref)
                .push_bind(&c.port)
                .push_bind(&c.terminal)
                .push_bind(&c.vessel_imo)
                .push_bind(&c.carrier)
                .push_bind(&c.service)
                .push_bind(&c.import_voyage)
                .push_bind(&c.export_voyage);
            bind_times(&mut b, t);
            b.push_bind(c.expected.discharge_laden)
                .push_bind(c.expected.discharge_empty)
                .push_bind(c.expected.load_laden)
                .push_bind(c.expected.load_empty)
                .push_bind(actual.map(|m| m.discharge_laden))
                .push_bind(actual.map(|m| m.discharge_empty))
                .push_bind(actual.map(|m| m.load_laden))
                .push_bind(actual.map(|m| m.load_empty))
                .push_bind(c.rail_share);
        })
        .await?;
            Ok(())
        }

        fn on_conflict(keep: bool, update: &str) -> String {
            if keep {
                " ON CONFLICT DO NOTHING".to_owned()
            } else {
                update.to_owned()
            }
        }

        impl $store {
            /// Writes a session record; on an id that exists, `on_conflict` (`DO NOTHING` or
            /// `DO UPDATE …`) decides. Whether a row was written.
            async fn put_session(
                &self,
                id: &str,
                data: &str,
                expires_at: DateTime<Utc>,
                on_conflict: &str,
            ) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) {on_conflict}"
                );
                let done = sqlx::query(&sql)
                    .bind(id)
                    .bind(data)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }
        }

        #[async_trait]
        impl Storage for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn readiness(&self) -> Result<crate::storage::Readiness> {
                let schema_version: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
                )
                .fetch_one(self.reader())
                .await?;
                Ok(crate::storage::Readiness {
                    schema_version,
                    expected_version: expected_version(),
                })
            }

            fn pool_use(&self) -> crate::storage::PoolUse {
                self.pools()
            }

            async fn analyze(&self) -> Result<()> {
                <$store>::analyze(self).await
            }

            async fn notify(&self, message: &str) -> Result<()> {
                self.notify_others(message).await
            }

            async fn listen(&self, deliver: Box<dyn Fn(String) + Send + Sync>) -> Result<()> {
                self.listen_to_others(deliver).await
            }

            async fn write_batch(&self, batch: &Batch) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let refs: Vec<&str> = batch.port_calls.iter().map(|c| c.call_ref.as_str()).collect();
                let ports = batch.port_calls.iter().map(|c| c.port.as_str());
                lock_ports(&mut tx, &refs, ports.chain(batch.ports.iter().map(|p| p.locode.as_str()))).await?;
                let rezoned = rezoned(&mut tx, &batch.ports).await?;
                let before = berths_of(&mut tx, &refs).await?;
                write_rows(&mut tx, batch, None).await?;
                insert_events(&mut tx, &batch.events).await?;
                let after = berths_of(&mut tx, &refs).await?;
                follow_berths(&mut tx, before, after).await?;
                // Another zone draws the port's weeks elsewhere: all its cells are counted again.
                for port in &rezoned {
                    recount_port(&mut tx, port).await?;
                }
                bump_version(&mut tx).await?;

                let head = format!("INSERT INTO monthly_stats ({STATS_COLUMNS}, updated_at) ");
                let tail = " ON CONFLICT (port_locode, month) DO UPDATE SET \
                    loaded_imports = excluded.loaded_imports, loaded_exports = excluded.loaded_exports, \
                    empty_imports = excluded.empty_imports, empty_exports = excluded.empty_exports, \
                    empties = excluded.empties, total_teu = excluded.total_teu, \
                    updated_at = excluded.updated_at";
                let now = Utc::now();
                insert_rows(&mut tx, &head, &batch.monthly_stats, tail, |mut b, s| {
                    b.push_bind(&s.port)
                        .push_bind(&s.month)
                        .push_bind(s.loaded_imports)
                        .push_bind(s.loaded_exports)
                        .push_bind(s.empty_imports)
                        .push_bind(s.empty_exports)
                        .push_bind(s.empties)
                        .push_bind(s.total_teu)
                        .push_bind(now);
                })
                .await?;

                tx.commit().await?;
                Ok(())
            }

            async fn record_events_reporting(
                &self,
                calls: &Batch,
                existing: crate::storage::Existing,
                events: &[PortCallEvent],
                progress: crate::storage::Progress<'_>,
            ) -> Result<EventOutcome> {
                let mut tx = self.begin_write().await?;
                // The times of the calls the events name, as they were before this write.
                let mut wanted: Vec<&str> = events
                    .iter()
                    .map(|e| e.call_ref.as_str())
                    .collect::<std::collections::HashSet<_>>()
                    .into_iter()
                    .collect();
                wanted.sort_unstable();
                let mut refs: Vec<&str> = wanted.clone();
                refs.extend(calls.port_calls.iter().map(|c| c.call_ref.as_str()));
                refs.sort_unstable();
                refs.dedup();
                lock_ports(&mut tx, &refs, calls.port_calls.iter().map(|c| c.port.as_str())).await?;
                let mut before: BTreeMap<String, CallTimes> = BTreeMap::new();
                for chunk in wanted.chunks(CHUNK_ROWS) {
                    let mut q = in_list(format!(
                        "SELECT call_ref, {TIME_COLUMNS} FROM port_calls WHERE call_ref IN ("
                    ), chunk);
                    let rows: Vec<CallTimesRow> = q.build_query_as().fetch_all(&mut *tx).await?;
                    before.extend(rows.into_iter().map(|r| (r.call_ref, r.times.into())));
                }
                // Every call must exist, or come with this write.
                let arriving: BTreeMap<&str, &PortCall> =
                    calls.port_calls.iter().map(|c| (c.call_ref.as_str(), c)).collect();
                if let Some(unknown) = wanted.iter().find(|c| !before.contains_key(**c) && !arriving.contains_key(**c)) {
                    return Err(StorageError::UnknownPortCall((*unknown).to_owned()));
                }
                // Where they berthed before this write, for the rollups.
                let berths_before = berths_of(&mut tx, &refs).await?;
                write_rows(&mut tx, calls, Some(existing)).await?;

                // Insert in chunks. A chunk that added anything has its calls folded again; a
                // chunk of re-sent events (nothing added) leaves its calls as they are. Folding a
                // call whose own events were all duplicates gives what it had, so counting rows is
                // enough, without returning a row per new event.
                let mut touched: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
                let mut accepted = 0u64;
                for (i, chunk) in events.chunks(CHUNK_ROWS).enumerate() {
                    progress(i * CHUNK_ROWS);
                    let mut q = QueryBuilder::<$db>::new(format!("INSERT INTO port_call_events ({EVENT_COLUMNS}) "));
                    q.push_values(chunk, bind_event);
                    q.push(" ON CONFLICT DO NOTHING");
                    let added = q.build().execute(&mut *tx).await?.rows_affected();
                    accepted += added;
                    if added > 0 {
                        let mut last = "";
                        for e in chunk {
                            if e.call_ref != last {
                                last = &e.call_ref;
                                touched.insert(last);
                            }
                        }
                    }
                }
                progress(events.len());
                let outcome = EventOutcome { accepted, duplicates: events.len() as u64 - accepted };

                // A touched call's state is the fold of all its events, so it does not depend on
                // the order they arrived in. A call new with this write has no events but these;
                // a call that existed is folded from what is stored.
                let mut folded: Vec<(String, CallTimes)> = Vec::with_capacity(touched.len());
                let mut from_batch: BTreeMap<&str, Vec<&PortCallEvent>> = BTreeMap::new();
                for e in events.iter().filter(|e| !before.contains_key(&e.call_ref)) {
                    from_batch.entry(e.call_ref.as_str()).or_default().push(e);
                }
                let (known, new_calls): (Vec<&str>, Vec<&str>) =
                    touched.into_iter().partition(|c| before.contains_key(*c));
                for call_ref in new_calls {
                    let base = arriving[call_ref].times.clone();
                    let t = CallTimes::folded(base, from_batch[call_ref].iter().copied());
                    folded.push((call_ref.to_owned(), t));
                }
                for chunk in known.chunks(CHUNK_ROWS) {
                    let mut q = in_list(format!(
                        "SELECT {EVENT_COLUMNS} FROM port_call_events WHERE call_ref IN ("
                    ), chunk);
                    let rows: Vec<EventRow> = q.build_query_as().fetch_all(&mut *tx).await?;
                    let mut stored: BTreeMap<String, Vec<PortCallEvent>> = BTreeMap::new();
                    for row in rows {
                        let e = PortCallEvent::try_from(row)?;
                        stored.entry(e.call_ref.clone()).or_default().push(e);
                    }
                    for (call_ref, stored) in stored {
                        let t = CallTimes::folded(before[&call_ref].clone(), &stored);
                        folded.push((call_ref, t));
                    }
                }
                // One UPDATE per chunk of calls.
                for chunk in folded.chunks(CHUNK_ROWS) {
                    let mut q = QueryBuilder::<$db>::new(
                        "WITH v (call_ref, omitted, planned_arrival, estimated_arrival, requested_arrival, \
                         actual_anchorage_arrival, actual_berth_arrival, planned_departure, \
                         estimated_departure, actual_departure, best_arrival) AS (",
                    );
                    q.push_values(chunk, |mut b, (call_ref, t)| {
                        b.push_bind(call_ref);
                        bind_times(&mut b, t);
                    });
                    q.push(
                        ") UPDATE port_calls SET omitted = v.omitted, planned_arrival = v.planned_arrival, \
                         estimated_arrival = v.estimated_arrival, requested_arrival = v.requested_arrival, \
                         actual_anchorage_arrival = v.actual_anchorage_arrival, \
                         actual_berth_arrival = v.actual_berth_arrival, planned_departure = v.planned_departure, \
                         estimated_departure = v.estimated_departure, actual_departure = v.actual_departure, \
                         best_arrival = v.best_arrival FROM v WHERE port_calls.call_ref = v.call_ref",
                    );
                    q.build().execute(&mut *tx).await?;
                }
                let after = berths_of(&mut tx, &refs).await?;
                follow_berths(&mut tx, berths_before, after).await?;
                bump_version(&mut tx).await?;
                tx.commit().await?;
                Ok(outcome)
            }

            async fn ports(&self) -> Result<Vec<Port>> {
                let sql = format!("SELECT {PORT_COLUMNS} FROM ports ORDER BY locode");
                let rows: Vec<PortRow> = sqlx::query_as(&sql).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn port(&self, locode: &str) -> Result<Option<Port>> {
                let sql = format!("SELECT {PORT_COLUMNS} FROM ports WHERE locode = $1");
                let row: Option<PortRow> =
                    sqlx::query_as(&sql).bind(locode).fetch_optional(self.reader()).await?;
                Ok(row.map(Into::into))
            }

            async fn terminals(&self, port: &str) -> Result<Vec<Terminal>> {
                let sql = format!(
                    "SELECT {TERMINAL_COLUMNS} FROM terminals WHERE port_locode = $1 ORDER BY code"
                );
                let rows: Vec<TerminalRow> =
                    sqlx::query_as(&sql).bind(port).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn vessel(&self, imo: &str) -> Result<Option<Vessel>> {
                let sql = format!("SELECT {VESSEL_COLUMNS} FROM vessels WHERE imo = $1");
                let row: Option<VesselRow> =
                    sqlx::query_as(&sql).bind(imo).fetch_optional(self.reader()).await?;
                Ok(row.map(Into::into))
            }

            async fn port_call(&self, call_ref: &str) -> Result<Option<PortCall>> {
                let sql = format!("SELECT {PORT_CALL_COLUMNS} FROM port_calls WHERE call_ref = $1");
                let row: Option<PortCallRow> =
                    sqlx::query_as(&sql).bind(call_ref).fetch_optional(self.reader()).await?;
                Ok(row.map(Into::into))
            }

            async fn port_calls_arriving(
                &self,
                port: &str,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> Result<Vec<PortCall>> {
                calls_between(self.reader(), port, "best_arrival", (from, "<", to)).await
            }

            async fn port_calls_berthed(
                &self,
                port: &str,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> Result<Vec<PortCall>> {
                calls_between(self.reader(), port, "actual_berth_arrival", (from, "<=", to)).await
            }

            async fn call_weeks(
                &self,
                port: &str,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> Result<Vec<crate::domain::rollup::WeekCell>> {
                let sql = format!(
                    "SELECT {CALL_WEEK_COLUMNS} FROM call_weeks WHERE port_locode = $1 \
                     AND week_start >= $2 AND week_start < $3 \
                     ORDER BY week_start, carrier_code, service_code, terminal_code"
                );
                let rows: Vec<CallWeekRow> =
                    sqlx::query_as(&sql).bind(port).bind(from).bind(to).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn data_version(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT n FROM data_version").fetch_one(self.reader()).await?)
            }

            async fn call_week_sums(
                &self,
                port: &str,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
                by: crate::storage::CellGrouping,
            ) -> Result<Vec<crate::domain::rollup::WeekCell>> {
                use crate::storage::CellGrouping::*;
                let (key, group) = match by {
                    Week => ("iso_year, iso_week, '' AS carrier_code, '' AS service_code", "iso_year, iso_week"),
                    Service => (
                        "CAST(MIN(iso_year) AS INTEGER) AS iso_year, CAST(MIN(iso_week) AS INTEGER) AS iso_week, \
                         carrier_code, service_code",
                        "carrier_code, service_code",
                    ),
                };
                let sql = format!(
                    "SELECT {key}, '' AS terminal_code, CAST(SUM(berthed) AS BIGINT) AS berthed, \
                     CAST(SUM(scored) AS BIGINT) AS scored, CAST(SUM(on_time) AS BIGINT) AS on_time, \
                     CAST(SUM(delay_minutes) AS BIGINT) AS delay_minutes, \
                     CAST(SUM(anchored) AS BIGINT) AS anchored, \
                     CAST(SUM(wait_tenths) AS BIGINT) AS wait_tenths, \
                     CAST(MAX(max_wait_tenths) AS BIGINT) AS max_wait_tenths \
                     FROM call_weeks WHERE port_locode = $1 AND week_start >= $2 AND week_start < $3 \
                     GROUP BY {group} ORDER BY {group}"
                );
                let rows: Vec<CallWeekRow> =
                    sqlx::query_as(&sql).bind(port).bind(from).bind(to).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn fill_call_weeks(&self) -> Result<usize> {
                let empty: Vec<String> = sqlx::query_scalar(
                    "SELECT locode FROM ports p WHERE NOT EXISTS \
                     (SELECT 1 FROM call_weeks w WHERE w.port_locode = p.locode) \
                     AND EXISTS (SELECT 1 FROM port_calls c WHERE c.port_locode = p.locode \
                     AND c.actual_berth_arrival IS NOT NULL) ORDER BY locode",
                )
                .fetch_all(self.reader())
                .await?;
                for port in &empty {
                    let mut tx = self.begin_write().await?;
                    lock_ports(&mut tx, &[], std::iter::once(port.as_str())).await?;
                    recount_port(&mut tx, port).await?;
                    tx.commit().await?;
                }
                Ok(empty.len())
            }

            async fn existing_port_calls(&self, call_refs: &[String]) -> Result<std::collections::HashSet<String>> {
                let mut found = std::collections::HashSet::new();
                for chunk in call_refs.chunks(CHUNK_ROWS) {
                    let mut q = in_list("SELECT call_ref FROM port_calls WHERE call_ref IN (", chunk);
                    let rows: Vec<String> = q.build_query_scalar().fetch_all(self.reader()).await?;
                    found.extend(rows);
                }
                Ok(found)
            }

            async fn vessels(&self, imos: &[String]) -> Result<std::collections::HashMap<String, Vessel>> {
                let mut unique: Vec<String> = imos.to_vec();
                unique.sort_unstable();
                unique.dedup();
                let mut found = std::collections::HashMap::new();
                for chunk in unique.chunks(CHUNK_ROWS) {
                    let mut q = in_list(format!("SELECT {VESSEL_COLUMNS} FROM vessels WHERE imo IN ("), chunk);
                    let rows: Vec<VesselRow> = q.build_query_as().fetch_all(self.reader()).await?;
                    found.extend(rows.into_iter().map(|r| {
                        let v: Vessel = r.into();
                        (v.imo.clone(), v)
                    }));
                }
                Ok(found)
            }

            async fn port_calls(&self, filter: &crate::storage::CallFilter) -> Result<Vec<PortCall>> {
                let mut q = QueryBuilder::<$db>::new(format!(
                    "SELECT {PORT_CALL_COLUMNS} FROM port_calls WHERE best_arrival IS NOT NULL"
                ));
                push_filter(&mut q, filter);
                if let Some((at, call_ref)) = &filter.after {
                    q.push(" AND (best_arrival > ").push_bind(*at);
                    q.push(" OR (best_arrival = ").push_bind(*at);
                    q.push(" AND call_ref > ").push_bind(call_ref);
                    q.push("))");
                }
                q.push(" ORDER BY best_arrival, call_ref LIMIT ").push_bind(i64::from(filter.limit));
                let rows: Vec<PortCallRow> = q.build_query_as().fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn count_calls(&self, filter: &crate::storage::CallFilter) -> Result<i64> {
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT COUNT(*) FROM port_calls WHERE best_arrival IS NOT NULL",
                );
                push_filter(&mut q, filter);
                Ok(q.build_query_scalar().fetch_one(self.reader()).await?)
            }

            async fn port_calls_sorted(
                &self,
                filter: &crate::storage::CallFilter,
                sort: crate::domain::arrivals::SortKey,
                offset: u64,
            ) -> Result<Vec<PortCall>> {
                use crate::domain::arrivals::SortKey::*;
                let mut q = QueryBuilder::<$db>::new(format!(
                    "SELECT {PORT_CALL_COLUMNS} FROM port_calls WHERE best_arrival IS NOT NULL"
                ));
                push_filter(&mut q, filter);
                // A call without a terminal sorts first, as `None` does.
                q.push(match sort {
                    Arrival => " ORDER BY best_arrival, call_ref",
                    Terminal => " ORDER BY COALESCE(terminal_code, ''), best_arrival, call_ref",
                    Carrier => " ORDER BY carrier_code, service_code, best_arrival, call_ref",
                    Discharge => " ORDER BY exp_discharge_laden_teu + exp_discharge_empty_teu DESC, \
                                   best_arrival, call_ref",
                });
                q.push(" LIMIT ").push_bind(i64::from(filter.limit));
                q.push(" OFFSET ").push_bind(offset as i64);
                let rows: Vec<PortCallRow> = q.build_query_as().fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn call_services(&self, filter: &crate::storage::CallFilter) -> Result<Vec<(String, String)>> {
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT DISTINCT carrier_code, service_code FROM port_calls WHERE best_arrival IS NOT NULL",
                );
                push_filter(&mut q, filter);
                q.push(" ORDER BY carrier_code, service_code");
                Ok(q.build_query_as().fetch_all(self.reader()).await?)
            }

            async fn services(&self) -> Result<Vec<crate::storage::Service>> {
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT carrier_code, code, name FROM services ORDER BY carrier_code, code")
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(carrier, code, name)| crate::storage::Service { carrier, code, name })
                    .collect())
            }

            async fn events_of_call(&self, call_ref: &str) -> Result<Vec<PortCallEvent>> {
                let sql = format!(
                    "SELECT {EVENT_COLUMNS} FROM port_call_events WHERE call_ref = $1 \
                     ORDER BY received_at, id"
                );
                let rows: Vec<EventRow> =
                    sqlx::query_as(&sql).bind(call_ref).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?)
            }

            async fn events_of_calls(&self, call_refs: &[String]) -> Result<Vec<PortCallEvent>> {
                let mut events = Vec::new();
                for chunk in call_refs.chunks(CHUNK_ROWS) {
                    let mut q = in_list(format!(
                        "SELECT {EVENT_COLUMNS} FROM port_call_events WHERE call_ref IN ("
                    ), chunk);
                    q.push(" ORDER BY call_ref, received_at, id");
                    let rows: Vec<EventRow> = q.build_query_as().fetch_all(self.reader()).await?;
                    for row in rows {
                        events.push(PortCallEvent::try_from(row)?);
                    }
                }
                Ok(events)
            }

            async fn monthly_stats(&self, port: &str) -> Result<Vec<MonthlyStats>> {
                let sql = format!(
                    "SELECT {STATS_COLUMNS} FROM monthly_stats WHERE port_locode = $1 ORDER BY month"
                );
                let rows: Vec<StatsRow> =
                    sqlx::query_as(&sql).bind(port).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn count_port_calls(&self, port: &str) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM port_calls WHERE port_locode = $1")
                    .bind(port)
                    .fetch_one(self.reader())
                    .await?)
            }

            async fn count_events(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM port_call_events")
                    .fetch_one(self.reader())
                    .await?)
            }

            async fn is_empty(&self) -> Result<bool> {
                let ports: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM ports").fetch_one(self.reader()).await?;
                Ok(ports == 0)
            }

            async fn clear(&self) -> Result<()> {
                let mut tx = self.begin_write().await?;
                for table in [
                    "watchlist",
                    "sessions",
                    "login_failures",
                    "users",
                    "organisation_follows",
                    "organisations",
                    "issued_forecasts",
                    "api_token_ports",
                    "api_tokens",
                    "call_weeks",
                    "port_call_events",
                    "port_calls",
                    "monthly_stats",
                    "vessels",
                    "services",
                    "carriers",
                    "terminals",
                    "ports",
                ] {
                    sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
                }
                bump_version(&mut tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_forecasts(&self, forecasts: &[IssuedForecast]) -> Result<u64> {
                let mut tx = self.begin_write().await?;
                let mut new = 0;
                for chunk in forecasts.chunks(CHUNK_ROWS) {
                    let mut q = QueryBuilder::<$db>::new(format!(
                        "INSERT INTO issued_forecasts ({ISSUED_COLUMNS}) "
                    ));
                    q.push_values(chunk, |mut b, f| {
                        b.push_bind(&f.port)
                            .push_bind(f.kind.code())
                            .push_bind(&f.series)
                            .push_bind(&f.issue)
                            .push_bind(&f.target)
                            .push_bind(f.horizon)
                            .push_bind(f.as_of)
                            .push_bind(&f.method)
                            .push_bind(f.band.p10)
                            .push_bind(f.band.p50)
                            .push_bind(f.band.p90)
                            .push_bind(f.reproduced)
                            .push_bind(f.issued_at);
                    });
                    q.push(" ON CONFLICT (port_locode, kind, issue, series, target) DO NOTHING");
                    new += q.build().execute(&mut *tx).await?.rows_affected();
                }
                bump_version(&mut tx).await?;
                tx.commit().await?;
                Ok(new)
            }

            async fn issued_forecasts(&self, port: &str, kind: ForecastKind) -> Result<Vec<IssuedForecast>> {
                let sql = format!(
                    "SELECT {ISSUED_COLUMNS} FROM issued_forecasts WHERE port_locode = $1 AND kind = $2 \
                     ORDER BY issue, series, target"
                );
                let rows: Vec<IssuedRow> = sqlx::query_as(&sql)
                    .bind(port)
                    .bind(kind.code())
                    .fetch_all(self.reader())
                    .await?;
                Ok(rows.into_iter().map(IssuedForecast::try_from).collect::<Result<_, _>>()?)
            }

            async fn has_issue(&self, port: &str, kind: ForecastKind, issue: &str) -> Result<bool> {
                let found: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM issued_forecasts \
                     WHERE port_locode = $1 AND kind = $2 AND issue = $3 LIMIT 1",
                )
                .bind(port)
                .bind(kind.code())
                .bind(issue)
                .fetch_optional(self.reader())
                .await?;
                Ok(found.is_some())
            }

            async fn create_token(&self, token: &NewToken) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO api_tokens (token_hash, prefix, role, label, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&token.hash)
                .bind(&token.prefix)
                .bind(token.role.code())
                .bind(&token.label)
                .bind(token.created_at)
                .fetch_one(&mut *tx)
                .await?;
                for port in &token.ports {
                    sqlx::query("INSERT INTO api_token_ports (token_id, port_locode) VALUES ($1, $2)")
                        .bind(id)
                        .bind(port)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
                let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
                let rows: Vec<TokenRow> = sqlx::query_as(&sql).bind(hash).fetch_all(self.reader()).await?;
                Ok(with_ports(self.reader(), rows).await?.pop())
            }

            async fn tokens(&self) -> Result<Vec<ApiToken>> {
                let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id");
                let rows: Vec<TokenRow> = sqlx::query_as(&sql).fetch_all(self.reader()).await?;
                with_ports(self.reader(), rows).await
            }

            async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_organisation(
                &self,
                name: &str,
                follows: &[Follow],
                at: DateTime<Utc>,
            ) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO organisations (name, created_at) VALUES ($1, $2) RETURNING id",
                )
                .bind(name)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                for f in follows {
                    sqlx::query(
                        "INSERT INTO organisation_follows (organisation_id, carrier_code, service_code) \
                         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(&f.carrier)
                    .bind(f.service.clone().unwrap_or_default())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn organisations(&self) -> Result<Vec<Organisation>> {
                let orgs: Vec<(i64, String, DateTime<Utc>)> =
                    sqlx::query_as("SELECT id, name, created_at FROM organisations ORDER BY name")
                        .fetch_all(self.reader())
                        .await?;
                let follows: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT organisation_id, carrier_code, service_code FROM organisation_follows \
                     ORDER BY organisation_id, carrier_code, service_code",
                )
                .fetch_all(self.reader())
                .await?;
                Ok(orgs
                    .into_iter()
                    .map(|(id, name, created_at)| Organisation {
                        id,
                        name,
                        created_at,
                        follows: follows
                            .iter()
                            .filter(|f| f.0 == id)
                            .map(|(_, carrier, service)| Follow {
                                carrier: carrier.clone(),
                                service: (!service.is_empty()).then(|| service.clone()),
                            })
                            .collect(),
                    })
                    .collect())
            }

            async fn create_user(&self, user: &NewUser) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (email, password_hash, role, organisation_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&user.email)
                .bind(&user.password_hash)
                .bind(user.role.code())
                .bind(user.organisation_id)
                .bind(user.created_at)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
                let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
                let row: Option<UserRow> =
                    sqlx::query_as(&sql).bind(email).fetch_optional(self.reader()).await?;
                Ok(row.map(UserRow::into_user_and_hash).transpose()?)
            }

            async fn user(&self, id: i64) -> Result<Option<User>> {
                let sql = format!("SELECT {USER_COLUMNS}, '' AS password_hash FROM users WHERE id = $1");
                let row: Option<UserRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?;
                Ok(row.map(|r| r.into_user_and_hash().map(|(u, _)| u)).transpose()?)
            }

            async fn users(&self) -> Result<Vec<User>> {
                let sql = format!("SELECT {USER_COLUMNS}, '' AS password_hash FROM users ORDER BY email");
                let rows: Vec<UserRow> = sqlx::query_as(&sql).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .map(|r| r.into_user_and_hash().map(|(u, _)| u))
                    .collect::<std::result::Result<_, _>>()?)
            }

            async fn set_password(&self, id: i64, hash: &str) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1",
                )
                .bind(id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn end_sessions(&self, id: i64) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn load_session(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                    .bind(id)
                    .bind(now)
                    .fetch_optional(self.reader())
                    .await?)
            }

            async fn save_session(&self, id: &str, data: &str, expires_at: DateTime<Utc>) -> Result<()> {
                self.put_session(id, data, expires_at, "DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at")
                    .await
                    .map(|_| ())
            }

            async fn create_session(&self, id: &str, data: &str, expires_at: DateTime<Utc>) -> Result<bool> {
                self.put_session(id, data, expires_at, "DO NOTHING").await
            }

            async fn delete_session(&self, id: &str) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn login_failure(&self, key: &str, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(self.reader())
                    .await?)
            }

            async fn clear_login_failures(&self, key: &str) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM login_failures WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn visit(&self, user_id: i64, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
                let mut tx = self.begin_write().await?;
                let before: Option<Option<DateTime<Utc>>> =
                    sqlx::query_scalar("SELECT last_visit_at FROM users WHERE id = $1")
                        .bind(user_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                sqlx::query("UPDATE users SET last_visit_at = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(before.flatten())
            }

            async fn watchlist(&self, user_id: i64) -> Result<Vec<Watch>> {
                let rows: Vec<(String, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT kind, key, added_at FROM watchlist WHERE user_id = $1 ORDER BY kind DESC, key",
                )
                .bind(user_id)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter()
                    .map(|(kind, key, added_at)| {
                        let kind = WatchKind::from_code(&kind).ok_or_else(|| {
                            sqlx::Error::Decode(format!("watch kind: unknown code '{kind}'").into())
                        })?;
                        Ok(Watch { kind, key, added_at })
                    })
                    .collect()
            }

            async fn watch(&self, user_id: i64, watch: &Watch) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO watchlist (user_id, kind, key, added_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, kind, key) DO NOTHING",
                )
                .bind(user_id)
                .bind(watch.kind.code())
                .bind(&watch.key)
                .bind(watch.added_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn unwatch(&self, user_id: i64, kind: WatchKind, key: &str) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("DELETE FROM watchlist WHERE user_id = $1 AND kind = $2 AND key = $3")
                    .bind(user_id)
                    .bind(kind.code())
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn port_shifts(&self, port: &str) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT shifts FROM ports WHERE locode = $1")
                    .bind(port)
                    .fetch_optional(self.reader())
                    .await?)
            }

            async fn set_port_shifts(&self, port: &str, shifts: &str) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE ports SET shifts = $2 WHERE locode = $1")
                    .bind(port)
                    .bind(shifts)
                    .execute(&mut *tx)
                    .await?;
                bump_version(&mut tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use sql_store;
