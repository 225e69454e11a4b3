//! The binary as an operator meets it: bad configuration ends in one clear line, and `serve`
//! brings the dashboard up on SQLite and on PostgreSQL and stops cleanly on SIGTERM.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_portsignal");

fn portsignal(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PORTSIGNAL_CONFIG")
        .env_remove("PORTSIGNAL_DATA_DIR")
        .env("RUST_LOG", "warn")
        // A debug build reproduces a day of the demo's record in about a fifth of a second: a
        // week keeps these tests quick (end2end runs the release build with the default).
        .env("PORTSIGNAL_DEMO_RECORD_DAYS", "7")
        // Run where no Leptos.toml is, so only what the test says counts.
        .current_dir(std::env::temp_dir());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs a command that must fail; returns its single stderr line.
fn fails_with_one_line(mut cmd: Command) -> String {
    let Output { status, stderr, .. } = cmd.output().unwrap();
    let stderr = String::from_utf8(stderr).unwrap();
    assert!(!status.success(), "expected failure, stderr: {stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].starts_with("portsignal: "), "{stderr}");
    lines[0].to_owned()
}

#[test]
fn unknown_database_scheme() {
    let line = fails_with_one_line(portsignal(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root@127.0.0.1/test")],
    ));
    assert!(line.contains("scheme 'mysql' is not supported"), "{line}");
}

#[test]
fn unreachable_database() {
    let line = fails_with_one_line(portsignal(
        &[
            "migrate",
            "--database-url",
            "postgres://postgres:secret@127.0.0.1:1/test",
        ],
        &[],
    ));
    assert!(
        line.contains("cannot open database postgres://postgres:***@127.0.0.1:1/test"),
        "{line}"
    );
    assert!(
        !line.contains("secret"),
        "the password must not be printed: {line}"
    );
}

#[test]
fn unwritable_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let data_dir = file.join("data");
    let line = fails_with_one_line(portsignal(
        &["migrate", "--data-dir", data_dir.to_str().unwrap()],
        &[],
    ));
    assert!(
        line.contains(&format!(
            "cannot create data directory {}",
            data_dir.display()
        )),
        "{line}"
    );
}

#[test]
fn malformed_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("Leptos.toml");
    std::fs::write(
        &config,
        "default_port = \"USLAX\"\nsite_addr = \"harbour:80\"\n",
    )
    .unwrap();
    let line = fails_with_one_line(portsignal(
        &["migrate", "--config", config.to_str().unwrap()],
        &[],
    ));
    assert!(
        line.contains(&format!("{}: line 2, column 13", config.display())),
        "{line}"
    );
}

#[test]
fn missing_config_file_named_explicitly() {
    let line = fails_with_one_line(portsignal(
        &["migrate"],
        &[("PORTSIGNAL_CONFIG", "/nonexistent/Leptos.toml")],
    ));
    assert!(
        line.contains("cannot read /nonexistent/Leptos.toml"),
        "{line}"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET; returns status and body.
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(mut cmd: Command) -> Server {
        let port = free_port();
        let child = cmd
            .args(["--site-addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while get(port, "/healthz").map(|(s, _)| s).ok() != Some(200) {
            if let Some(status) = server.child.try_wait().unwrap() {
                let mut err = String::new();
                server
                    .child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                panic!("server exited with {status}: {err}");
            }
            assert!(Instant::now() < deadline, "server did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// SIGTERM, then the process must exit by itself, successfully.
    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "graceful shutdown should exit 0, got {status}"
                );
                return;
            }
            assert!(Instant::now() < deadline, "did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn assert_dashboard(server: &Server) {
    let (status, health) = get(server.port, "/healthz").unwrap();
    assert_eq!(status, 200);
    assert!(health.contains(r#"{"status":"ok"}"#));
    let (status, page) = get(server.port, "/?weeks=6").unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Port of Los Angeles"));
    assert_eq!(page.matches("<tr data-week=").count(), 6);
    assert!(page.contains("<svg role=\"img\""));
    let (status, _) = get(server.port, "/nowhere").unwrap();
    assert_eq!(status, 404);
    // Ready: the database answers with the schema of every migration this binary carries.
    let (status, ready) = get(server.port, "/readyz").unwrap();
    assert_eq!(status, 200, "{ready}");
    let migrations = std::fs::read_dir("migrations/sqlite").unwrap().count();
    assert!(
        ready.contains(&format!(r#""schema_version":{migrations}"#)),
        "{ready}"
    );
    // The demo's record holds the days the setting asks for, reproduced (today's live issue
    // joins them from 06:00 in Los Angeles).
    let (status, record) = get(server.port, "/api/v1/ports/USLAX/accuracy").unwrap();
    assert_eq!(status, 200, "{record}");
    assert!(
        record.contains(r#""series":"import_teu","issues":"#),
        "{record}"
    );
    assert!(record.contains(r#""reproduced_issues":7,"#), "{record}");
}

#[test]
fn serves_the_demo_on_sqlite_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let server = Server::start(portsignal(
        &["serve", "--data-dir", data_dir.to_str().unwrap()],
        &[],
    ));
    assert_dashboard(&server);
    assert!(data_dir.join("portsignal.db").exists());
    // Metrics on the site's own address: the requests above, by route pattern.
    let (status, metrics) = get(server.port, "/metrics").unwrap();
    assert_eq!(status, 200);
    assert!(
        metrics.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"route="/api/v1/ports/{locode}/accuracy""#));
    assert!(metrics
        .contains(r#"http_request_duration_seconds_bucket{method="GET",route="/",le="0.05"}"#));
    // One writer and four readers.
    assert!(
        metrics.contains(r#"portsignal_db_connections{state="max"} 5"#),
        "{metrics}"
    );
    // An open page listening for live updates does not hold up the shutdown.
    let mut listening = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(listening, "GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut head = [0u8; 12];
    listening.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    server.terminate();
}

#[tokio::test(flavor = "multi_thread")]
async fn serves_the_demo_on_postgres() {
    let schema = support::PgSchema::create().await;
    let url = schema.url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let metrics_port = free_port();
        let server = Server::start(portsignal(
            &[
                "serve",
                "--metrics-bind",
                &format!("127.0.0.1:{metrics_port}"),
            ],
            &[("DATABASE_URL", &url)],
        ));
        assert_dashboard(&server);
        // With --metrics-bind, metrics are on that address only.
        assert_eq!(get(server.port, "/metrics").unwrap().0, 404);
        let (status, metrics) = get(metrics_port, "/metrics").unwrap();
        assert_eq!(status, 200);
        assert!(
            metrics.contains(r#"portsignal_db_connections{state="max"} 16"#),
            "{metrics}"
        );
        assert!(
            metrics.contains(r#"route="/readyz",status="200""#),
            "{metrics}"
        );
        server.terminate();
    })
    .await;
    schema.drop_schema().await;
    outcome.unwrap();
}

#[test]
fn demo_command_refuses_to_overwrite_without_reset() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let demo = |extra: &[&str]| {
        let mut args = vec![
            "demo",
            "--data-dir",
            data,
            "--as-of",
            "2026-11-29T12:00:00Z",
        ];
        args.extend_from_slice(extra);
        portsignal(&args, &[])
    };
    assert!(demo(&[]).status().unwrap().success());
    let line = fails_with_one_line(demo(&[]));
    assert!(line.contains("--reset"), "{line}");
    assert!(demo(&["--reset", "--seed", "7"])
        .status()
        .unwrap()
        .success());
}

/// Runs the binary with `--data-dir data` after the given arguments.
fn in_data_dir(data: &str) -> impl Fn(&[&str]) -> std::process::Output + '_ {
    move |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--data-dir", data]);
        portsignal(&all, &[]).output().unwrap()
    }
}

const ADD_LOS_ANGELES: [&str; 7] = [
    "port",
    "add",
    "USLAX",
    "--name",
    "Los Angeles",
    "--tz",
    "America/Los_Angeles",
];

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

async fn stored_stats(data: &str, port: &str) -> Vec<portsignal::domain::MonthlyStats> {
    let store = portsignal::storage::open(None, std::path::Path::new(data))
        .await
        .unwrap();
    store.monthly_stats(port).await.unwrap()
}

#[tokio::test]
async fn import_statistics_is_all_or_nothing_and_replaces_revised_months() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--data-dir", &data]);
        portsignal(&all, &[("RUST_LOG", "info")]).output().unwrap()
    };
    // The port must exist first.
    let good = write(
        dir.path(),
        "good.csv",
        "month,loaded_imports,loaded_exports,empties\n2026-01,400000,100000,300000\n",
    );
    let out = run(&["import", "statistics", &good, "--port", "USLGB"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown port USLGB"));
    assert!(run(&[
        "port",
        "add",
        "USLGB",
        "--name",
        "Port of Long Beach",
        "--tz",
        "America/Los_Angeles"
    ])
    .status
    .success());
    assert!(!run(&[
        "port",
        "add",
        "USLGB",
        "--name",
        "x",
        "--tz",
        "Mars/Olympus"
    ])
    .status
    .success());

    let out = run(&["import", "statistics", &good, "--port", "uslgb"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 1, accepted 1 (0 replaced), rejected 0"
    );

    // One bad row: nothing of the file is imported, and the problem names row and column.
    let mixed = write(
        dir.path(),
        "mixed.csv",
        "month,loaded_imports,loaded_exports,empties\n2026-01,410000,100000,300000\n2026-02,-1,90000,250000\n",
    );
    let out = run(&["import", "statistics", &mixed, "--port", "USLGB"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "mixed.csv: row 3, column loaded_imports: '-1' is not a non-negative number of TEU"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("nothing imported"), "{stderr}");
    assert_eq!(
        stored_stats(&data, "USLGB").await[0].loaded_imports,
        400_000.0
    );

    // --skip-invalid takes the good row, which revises January: replaced and logged.
    let out = run(&[
        "import",
        "statistics",
        &mixed,
        "--port",
        "USLGB",
        "--skip-invalid",
    ]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 2, accepted 1 (1 replaced), rejected 1"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("replacing monthly statistics"));
    let stats = stored_stats(&data, "USLGB").await;
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].loaded_imports, 410_000.0);
    assert_eq!(stats[0].empty_imports, None);
}

#[test]
fn tokens_are_shown_once_and_listed_without_their_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = in_data_dir(data);
    assert!(run(&ADD_LOS_ANGELES).status.success());
    let out = run(&["token", "create", "--role", "provider"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs at least one port"));
    let out = run(&[
        "token", "create", "--role", "provider", "--port", "uslax", "--label", "MSK feed",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(secret.starts_with("ps_") && secret.len() == 67, "{secret}");

    let list = String::from_utf8(run(&["token", "list"]).stdout).unwrap();
    assert!(
        list.contains(&secret[..11]) && !list.contains(&secret[11..]),
        "{list}"
    );
    assert!(
        list.contains("provider\tUSLAX\tactive\tnever used\tMSK feed"),
        "{list}"
    );
    assert!(run(&["token", "revoke", "1"]).status.success());
    assert!(String::from_utf8(run(&["token", "list"]).stdout)
        .unwrap()
        .contains("\trevoked\t"));
    assert!(!run(&["token", "revoke", "1"]).status.success());
}

#[test]
fn import_events_reads_json_lines_and_skips_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let run = in_data_dir(&data);
    assert!(run(&ADD_LOS_ANGELES).status.success());
    let line = |role: &str, voyage: &str, classifier: &str| {
        format!(
            r#"{{"publisher":{{"identifyingCodes":[{{"DCSAResponsibleAgencyCode":"SMDG","partyCode":"MSK"}}]}},"publisherRole":"{role}","vesselIMONumber":"9074729","carrierServiceCode":"TP6","carrierVoyageNumber":"{voyage}","UNLocationCode":"USLAX","eventClassifierCode":"{classifier}","operationsEventTypeCode":"ARRI","eventDateTime":"2026-12-01T06:00:00-08:00"}}"#
        )
    };
    let file = write(
        dir.path(),
        "events.jsonl",
        &[
            line("CA", "1E", "EST"),
            line("CA", "1E", "BAD"),
            line("TR", "2E", "ACT"),
            line("CA", "1E", "PLN"),
        ]
        .join("\n"),
    );
    let out = run(&["import", "events", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("events.jsonl: line 2.eventClassifierCode: 'BAD' is not one of"),
        "{stderr}"
    );

    let out = run(&["import", "events", &file, "--skip-invalid"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: no port call USLAX-9074729-2E is known yet"),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 4, accepted 2, duplicates 0, rejected 2"
    );
    // Again: all duplicates.
    let out = run(&["import", "events", &file, "--skip-invalid"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 4, accepted 0, duplicates 2, rejected 2"
    );
    // A short import has no progress lines.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("stored"));
}

/// `n` carrier estimates, ten per call, as JSON lines.
fn estimates(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"publisher":{{"identifyingCodes":[{{"DCSAResponsibleAgencyCode":"SMDG","partyCode":"MSK"}}]}},"publisherRole":"CA","vesselIMONumber":"9074729","carrierServiceCode":"TP6","carrierVoyageNumber":"{}E","UNLocationCode":"USLAX","eventClassifierCode":"EST","operationsEventTypeCode":"ARRI","eventDateTime":"2026-12-01T06:{:02}:00-08:00"}}"#,
                i / 10,
                i % 10
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn long_imports_show_progress_as_plain_lines_off_a_terminal_and_as_a_bar_on_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    assert!(in_data_dir(&data)(&ADD_LOS_ANGELES).status.success());
    let file = write(dir.path(), "long.jsonl", &estimates(12_000));

    let out = portsignal(&["import", "events", &file, "--data-dir", &data], &[])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(": stored ")).collect();
    assert_eq!(lines.len(), 10, "one line per tenth: {stderr}");
    assert!(
        lines[0].ends_with("long.jsonl: stored 1500 of 12000 (10%)"),
        "{stderr}"
    );
    assert!(
        lines[9].ends_with("long.jsonl: stored 12000 of 12000 (100%)"),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 12000, accepted 12000, duplicates 0, rejected 0"
    );

    // On a terminal (a pseudo-terminal made by script(1)): a bar, and no plain lines.
    let bin = env!("CARGO_BIN_EXE_portsignal");
    let command = format!("{bin} import events {file} --data-dir {data}");
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("storing") || shown.contains("reading"),
        "{shown}"
    );
    assert!(!shown.contains("(10%)"), "{shown}");
    assert!(
        shown.contains("read 12000, accepted 0, duplicates 12000, rejected 0"),
        "{shown}"
    );
}

#[tokio::test]
async fn import_port_calls_updates_the_schedule_and_keeps_what_events_said() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let run = in_data_dir(&data);
    assert!(run(&ADD_LOS_ANGELES).status.success());
    let header = "port,vessel_imo,vessel_name,carrier,service,voyage,terminal,planned_arrival,estimated_arrival,discharge_laden_teu";
    let sheet = |teu: u32, terminal: &str| {
        format!(
            "{header}\nUSLAX,9074729,MAERSK HORIZON,MSK,TP6,2648E,{terminal},2026-12-01T06:00:00-08:00,2026-12-01T09:00:00-08:00,{teu}\n\
             USLAX,9321483,KING OF THE SEAS,MSK,TP6,2649E,,2026-12-08T06:00:00-08:00,,3000\n"
        )
    };
    let file = write(dir.path(), "calls.csv", &sheet(4000, "APMT"));
    let out = run(&["import", "port-calls", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("row 2, column terminal: unknown terminal APMT at USLAX"));

    let out = run(&["import", "port-calls", &file, "--skip-invalid"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 2, accepted 1 calls, rejected 1; schedule events accepted 1, duplicates 0"
    );

    let file = write(dir.path(), "calls.csv", &sheet(4000, ""));
    assert!(run(&["import", "port-calls", &file]).status.success());
    // A revised sheet: more TEU expected; the estimate it repeats changes nothing.
    let file = write(dir.path(), "calls.csv", &sheet(4600, ""));
    let out = run(&["import", "port-calls", &file]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "read 2, accepted 2 calls, rejected 0; schedule events accepted 0, duplicates 3"
    );
    let store = portsignal::storage::open(None, std::path::Path::new(&data))
        .await
        .unwrap();
    let call = store
        .port_call("USLAX-9074729-2648E")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(call.expected.discharge_laden, 4600.0);
    assert_eq!(
        call.times.estimated_arrival.unwrap().to_rfc3339(),
        "2026-12-01T17:00:00+00:00"
    );
    assert_eq!(
        store.vessel("9321483").await.unwrap().unwrap().name,
        "KING OF THE SEAS"
    );
}

#[tokio::test]
async fn forecast_prints_the_api_json_or_a_table_and_backtest_scores_each_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let run = in_data_dir(&data);
    assert!(run(&ADD_LOS_ANGELES).status.success());
    let shape = [
        0.0, -0.18, -0.08, 0.0, 0.02, 0.03, 0.05, 0.12, 0.1, 0.08, -0.02, -0.04,
    ];
    let mut csv = String::from("month,loaded_imports,loaded_exports,empties\n");
    for i in 0..36 {
        let total = 800_000.0 * (1.0 + shape[i % 12]) + 4_000.0 * ((i * 5 % 7) as f64 - 3.0);
        csv += &format!(
            "{}-{:02},{:.0},{:.0},{:.0}\n",
            2023 + i / 12,
            i % 12 + 1,
            total * 0.45,
            total * 0.12,
            total * 0.43
        );
    }
    let file = write(dir.path(), "stats.csv", &csv);
    assert!(run(&["import", "statistics", &file, "--port", "USLAX"])
        .status
        .success());

    let out = run(&[
        "forecast",
        "monthly",
        "--port",
        "uslax",
        "--as-of",
        "2025-08",
        "--horizon",
        "4",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let store = portsignal::storage::open(None, std::path::Path::new(&data))
        .await
        .unwrap();
    let direct = portsignal::queries::forecast::monthly_forecast(
        store.as_ref(),
        "USLAX",
        Some("2025-08"),
        Some(4),
    )
    .await
    .unwrap();
    assert_eq!(printed, serde_json::to_value(&direct).unwrap());
    assert_eq!(printed["months"][3]["month"], "2025-12");

    let out = run(&[
        "forecast", "monthly", "--port", "USLAX", "--format", "table",
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with("USLAX monthly forecast as of 2025-12"),
        "{table}"
    );
    assert!(table.contains("\n2026-06 "), "{table}");
    assert!(
        table.contains("year 2026: actual to date 0; full year"),
        "{table}"
    );

    let out = run(&["forecast", "monthly", "--port", "USLAX", "--horizon", "30"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("horizon 30 is outside 1-24"));

    let out = run(&[
        "backtest",
        "monthly",
        "--port",
        "USLAX",
        "--from",
        "2025-01",
        "--to",
        "2025-09",
        "--horizon",
        "3",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    for model in ["seasonal-naive", "holt-winters", "holt-winters-log"] {
        let rows = report
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(model))
            .count();
        assert_eq!(rows, 3, "{model}: {report}");
    }
    // Forecasting after January to September 2025 one month ahead: nine forecasts a model.
    let first = report
        .lines()
        .find(|l| l.starts_with("seasonal-naive"))
        .unwrap();
    assert_eq!(first.split_whitespace().nth(2), Some("9"), "{report}");
    assert_eq!(
        report.matches(" * ").count() + report.matches(" *\n").count(),
        3,
        "{report}"
    );
    let out = run(&[
        "backtest", "monthly", "--port", "USLAX", "--from", "2025-01", "--to", "2025-09",
        "--series", "teu",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("series 'teu' is not one of total_teu"));
}

#[test]
fn organisations_and_users_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let cmd = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--data-dir", &data]);
        portsignal(&all, &[])
    };
    let run = |args: &[&str]| cmd(args).output().unwrap();
    let out = run(&[
        "org",
        "add",
        "Harbour Imports",
        "--follows",
        "MSK",
        "--follows",
        "cma:prx2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(run(&["org", "add", "Port of LA"]).status.success());
    let line = fails_with_one_line(cmd(&["org", "add", "Harbour Imports"]));
    assert!(line.contains("exists already"), "{line}");
    let line = fails_with_one_line(cmd(&["org", "add", "X", "--follows", "M S K"]));
    assert!(line.contains("CARRIER:SERVICE"), "{line}");
    let list = String::from_utf8(run(&["org", "list"]).stdout).unwrap();
    assert!(list.contains("Harbour Imports\tCMA:PRX2,MSK"), "{list}");

    // A generated password is printed once, on standard output alone.
    let out = run(&[
        "user",
        "add",
        "Ana@Example.org",
        "--role",
        "owner",
        "--org",
        "Harbour Imports",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(generated.len(), 20);
    let line = fails_with_one_line(cmd(&[
        "user",
        "add",
        "ana@example.org",
        "--role",
        "staff",
        "--org",
        "Port of LA",
    ]));
    assert!(line.contains("exists already"), "{line}");
    let line = fails_with_one_line(cmd(&[
        "user",
        "add",
        "bob@example.org",
        "--role",
        "staff",
        "--org",
        "Nobody",
    ]));
    assert!(line.contains("no organisation 'Nobody'"), "{line}");

    // A chosen password comes on standard input, and must be long enough.
    let with_stdin = |args: &[&str], input: &str| {
        let mut child = cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let add_bob = [
        "user",
        "add",
        "bob@example.org",
        "--role",
        "staff",
        "--org",
        "Port of LA",
        "--password-stdin",
    ];
    let out = with_stdin(&add_bob, "short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12 characters"));
    let out = with_stdin(&add_bob, "dock workers unite\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "a chosen password is not echoed");

    let list = String::from_utf8(run(&["user", "list"]).stdout).unwrap();
    assert!(
        list.contains("ana@example.org\towner\tHarbour Imports\tactive"),
        "{list}"
    );
    assert!(
        list.contains("bob@example.org\tstaff\tPort of LA\tactive"),
        "{list}"
    );

    // What is stored verifies against what was printed; a reset replaces it and ends sessions.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stored = |email: &str| {
        runtime.block_on(async {
            let store = portsignal::storage::open(None, std::path::Path::new(&data))
                .await
                .unwrap();
            store.user_by_email(email).await.unwrap().unwrap()
        })
    };
    let (ana, hash) = stored("ana@example.org");
    assert!(portsignal::accounts::password::verify(&generated, &hash));
    assert!(portsignal::accounts::password::verify(
        "dock workers unite",
        &stored("bob@example.org").1
    ));
    let out = run(&["user", "reset-password", "ana@example.org"]);
    assert!(out.status.success());
    let fresh = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let (after, hash) = stored("ana@example.org");
    assert!(portsignal::accounts::password::verify(&fresh, &hash));
    assert!(!portsignal::accounts::password::verify(&generated, &hash));
    assert_eq!(after.session_epoch, ana.session_epoch + 1);
    assert!(run(&["user", "logout", "ana@example.org"]).status.success());
    assert_eq!(
        stored("ana@example.org").0.session_epoch,
        ana.session_epoch + 2
    );
}

#[test]
fn shift_patterns_and_terminals_are_port_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = in_data_dir(data);
    assert!(run(&ADD_LOS_ANGELES).status.success());
    let list = String::from_utf8(run(&["port", "list"]).stdout).unwrap();
    assert!(
        list.contains("\tday 08-17, night 18-03, hoot 03-08"),
        "{list}"
    );

    let out = run(&["port", "shifts", "uslax", "first 06-14,second 14-22"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(run(&["port", "list"]).stdout).unwrap();
    assert!(list.contains("\tfirst 06-14, second 14-22"), "{list}");
    // A pattern that overlaps is refused in one line and changes nothing.
    let out = run(&["port", "shifts", "USLAX", "day 08-17, late 16-20"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'late 16-20' overlaps another shift"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(String::from_utf8(run(&["port", "list"]).stdout)
        .unwrap()
        .contains("first 06-14"));

    let terminal = [
        "port",
        "terminal",
        "USLAX",
        "wbct",
        "--name",
        "West Basin",
        "--berths",
        "3",
        "--gang-moves-per-hour",
        "27.5",
        "--daily-capacity-teu",
        "9000",
    ];
    let out = run(&terminal);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut zero = terminal.to_vec();
    zero[9] = "0";
    let out = run(&zero);
    assert!(String::from_utf8_lossy(&out.stderr).contains("gang moves per hour must be above 0"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let terminals = rt.block_on(async {
        let store = portsignal::storage::open(None, dir.path()).await.unwrap();
        store.terminals("USLAX").await.unwrap()
    });
    assert_eq!(terminals.len(), 1);
    let t = &terminals[0];
    assert_eq!(
        (
            t.code.as_str(),
            t.berths,
            t.gang_moves_per_hour,
            t.daily_capacity_teu
        ),
        ("WBCT", 3, 27.5, 9000.0)
    );
}

/// A plain HTTP/1.1 POST of JSON with a bearer token; returns the status.
fn post_json(port: u16, path: &str, token: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    raw.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn instances_on_one_postgres_database_relay_live_updates() {
    let schema = support::PgSchema::create().await;
    let url = schema.url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let env = [("DATABASE_URL", url.as_str())];
        let first = Server::start(portsignal(&["serve"], &env));
        let second = Server::start(portsignal(&["serve"], &env));
        let out = portsignal(
            &["token", "create", "--role", "provider", "--port", "USLAX"],
            &env,
        )
        .output()
        .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let token = String::from_utf8(out.stdout).unwrap().trim().to_string();

        // A page served by the second instance listens …
        let mut page = TcpStream::connect(("127.0.0.1", second.port)).unwrap();
        page.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(page, "GET /live?port=USLAX HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        let mut read_until = |what: &str, seen: &mut String| {
            let deadline = Instant::now() + Duration::from_secs(20);
            while !seen.contains(what) {
                assert!(Instant::now() < deadline, "no '{what}' in: {seen}");
                let n = page.read(&mut buf).expect("the stream stays open");
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        };
        read_until("event: ready", &mut seen);
        assert!(!seen.contains("event: changed"));
        // … while a carrier posts an ETA to the first.
        let eta = serde_json::json!([{
            "publisher": {"partyName": "Maersk A/S", "identifyingCodes": [{"DCSAResponsibleAgencyCode": "SMDG", "partyCode": "MSK", "codeListName": "LCL"}]},
            "publisherRole": "CA",
            "vesselIMONumber": "9074729",
            "carrierServiceCode": "TP6",
            "carrierVoyageNumber": "RELAY1E",
            "UNLocationCode": "USLAX",
            "facilityTypeCode": "BRTH",
            "eventClassifierCode": "EST",
            "operationsEventTypeCode": "ARRI",
            "eventDateTime": "2026-12-20T06:00:00-08:00",
        }]);
        let status = post_json(first.port, "/dcsa/jit/v1/timestamps", &token, &eta.to_string());
        assert_eq!(status, 201);
        read_until("event: changed\ndata: USLAX", &mut seen);
        drop(page);
        first.terminate();
        second.terminate();
    })
    .await;
    schema.drop_schema().await;
    outcome.unwrap();
}

#[tokio::test]
async fn the_national_demo_stores_every_port_through_the_import_path() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = in_data_dir(data);
    // Two ports, two copies of the demo cast each (about 4,200 calls a copy).
    let out = run(&[
        "demo",
        "--scale",
        "national",
        "--ports",
        "2",
        "--calls",
        "17000",
        "--as-of",
        "2026-11-29T12:00:00Z",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Off a terminal, progress is plain lines by tenths.
    assert!(stderr.contains("national demo: stored"), "{stderr}");
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("national demo:"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(summary.contains("2 ports (2 copies"), "{summary}");
    let figure = |after: &str| -> i64 {
        let tail = &summary[..summary.find(after).unwrap()];
        tail.rsplit(" ").next().unwrap().parse().unwrap()
    };
    let (calls, events) = (figure(" port calls"), figure(" events"));

    let store = portsignal::storage::open(None, dir.path()).await.unwrap();
    let ports = store.ports().await.unwrap();
    let locodes: Vec<&str> = ports.iter().map(|p| p.locode.as_str()).collect();
    assert_eq!(locodes, ["USLAX", "USLGB"]);
    let lax = store.count_port_calls("USLAX").await.unwrap();
    let lgb = store.count_port_calls("USLGB").await.unwrap();
    assert_eq!(lax + lgb, calls);
    assert!(lax > 7_000 && lgb > 7_000, "{lax} {lgb}");
    assert_eq!(store.count_events().await.unwrap(), events);
    assert!(events as f64 / calls as f64 > 15.0, "daily ETAs");
    // Each port's statistics sum its copies and agree with its calls: about its yearly TEU.
    for (port, teu) in [("USLAX", 9.9e6), ("USLGB", 9.6e6)] {
        let stats = store.monthly_stats(port).await.unwrap();
        assert_eq!(stats.len(), 36);
        let year: f64 = stats[24..].iter().map(|m| m.total_teu).sum();
        assert!((year / teu - 1.0).abs() < 0.15, "{port}: {year}");
        let month = &stats[30];
        let from = chrono::DateTime::parse_from_rfc3339(&format!("{}-01T00:00:00Z", month.month))
            .unwrap()
            .to_utc();
        let to = from + chrono::Months::new(1);
        let discharged: f64 = store
            .port_calls_arriving(
                port,
                from - chrono::Duration::days(40),
                to + chrono::Duration::days(40),
            )
            .await
            .unwrap()
            .iter()
            .filter(|c| {
                c.times
                    .actual_berth_arrival
                    .is_some_and(|t| t >= from && t < to)
            })
            .filter_map(|c| c.actual)
            .map(|m| m.discharge())
            .sum();
        let imports = month.loaded_imports + month.empty_imports.unwrap_or(0.0);
        assert!(
            (discharged / imports - 1.0).abs() < 0.01,
            "{port} {}: calls discharged {discharged}, statistics {imports}",
            month.month
        );
    }
    // The second loop of each service is there, under its own code.
    let services = store.services().await.unwrap();
    assert!(services.iter().any(|s| s.code == "TP6B"), "{services:?}");
}
