//! Invitations and password resets by e-mail, end to end (issue 15, point 2): the real
//! `essor serve` and `essor admin inviter` hand their messages to a real SMTP server on
//! loopback — aiosmtpd, which writes each message it receives to a Maildir — and the test
//! reads the message as a mail reader would (Python's `email` package, in the same venv),
//! follows its link, sets a password and signs in.
//!
//! aiosmtpd comes from `ESSOR_AIOSMTPD` (the `aiosmtpd` executable), else
//! `tests/.venv/bin/aiosmtpd`, which `.ci/run` installs from `tests/requirements.txt`. Without
//! it the tests are skipped with a message on a developer's machine, and fail when `CI` is set.

use super::repo;
use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "cerf-volant hibou grenadine 42";
const NEW_PASSWORD: &str = "péniche ocre sous le pont 1907";

/// aiosmtpd, or `None` (skipped, reason on stderr) on a developer's machine without it.
fn aiosmtpd() -> Option<PathBuf> {
    let path = std::env::var_os("ESSOR_AIOSMTPD")
        .map_or_else(|| repo("tests/.venv/bin/aiosmtpd"), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} not found: the e-mail tests need aiosmtpd; install it with `python3 -m venv tests/.venv && tests/.venv/bin/pip install -r tests/requirements.txt` (or set ESSOR_AIOSMTPD)",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("e-mail test skipped: {why}");
    None
}

/// A free port of loopback (free when asked; the server takes it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMTP server on loopback writing what it receives to a Maildir; stopped when dropped.
struct Smtp {
    child: Child,
    tool: PathBuf,
    maildir: PathBuf,
    port: u16,
}

impl Smtp {
    fn start(tool: PathBuf, dir: &Path) -> Self {
        let maildir = dir.join("courriels");
        let port = free_port();
        let child = Command::new(&tool)
            .args(["-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let smtp = Self {
            child,
            tool,
            maildir,
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd listens on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        smtp
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first, as files.
    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> =
            std::fs::read_dir(self.maildir.join("new"))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .map(|e| (e.metadata().unwrap().modified().unwrap(), e.path()))
                        .collect()
                })
                .unwrap_or_default();
        files.sort();
        files.into_iter().map(|(_, p)| p).collect()
    }

    /// Waits for the `n`-th message (1 for the first) and reads it.
    fn message(&self, n: usize) -> Mail {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let files = self.files();
            if files.len() >= n {
                return self.read(&files[n - 1]);
            }
            assert!(Instant::now() < deadline, "message {n} never came");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A message read by Python's `email` package (headers and body decoded).
    fn read(&self, file: &Path) -> Mail {
        let python = self.tool.with_file_name("python");
        let o = Command::new(python)
            .arg("-c")
            .arg(
                "import email, email.policy, json, sys\n\
                 m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                 print(json.dumps({'from': m['from'], 'to': m['to'], 'subject': m['subject'], 'type': m.get_content_type(), 'body': m.get_content()}))",
            )
            .arg(file)
            .output()
            .expect("python reads the message");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: HashMap<String, String> = serde_json::from_slice(&o.stdout).unwrap();
        Mail(v)
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Mail(HashMap<String, String>);

impl Mail {
    fn get(&self, key: &str) -> &str {
        &self.0[key]
    }

    /// The one link of the body to `http://{addr}{prefix}…`, as a path.
    fn link(&self, addr: &str, prefix: &str) -> String {
        let base = format!("http://{addr}{prefix}");
        let links: Vec<&str> = self
            .get("body")
            .split_whitespace()
            .filter(|w| w.starts_with(&base))
            .collect();
        assert_eq!(links.len(), 1, "{}", self.get("body"));
        links[0][format!("http://{addr}").len()..].to_owned()
    }
}

/// `essor serve` on a free port of loopback with `args`; its log lines are kept.
struct Serve {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    fn start(args: &[&std::ffi::OsStr]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env_remove("ESSOR_SMTP")
            .stderr(Stdio::piped())
            .spawn()
            .expect("essor serve starts");
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let log = Arc::new(Mutex::new(Vec::new()));
        let addr = loop {
            let line = lines
                .next()
                .expect("essor serve prints its address")
                .unwrap();
            log.lock().unwrap().push(line.clone());
            if let Some(rest) = line.split_once("carte et API sur http://") {
                break rest.1.split('/').next().unwrap().to_owned();
            }
        };
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Self { child, addr, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer: status, headers (names lower-cased), body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The session cookie it sets, as `name=value`.
    fn cookie(&self) -> String {
        let set = self.header("set-cookie").expect("a cookie");
        set.split(';').next().unwrap().to_owned()
    }
}

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let mut out = format!("{k}=");
            for b in v.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                        out.push(b as char)
                    }
                    _ => out.push_str(&format!("%{b:02X}")),
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// One HTTP/1.1 exchange on loopback: a GET, or a POST of a form when `form` is given.
fn http(addr: &str, path: &str, form: Option<&[(&str, &str)]>, cookie: Option<&str>) -> Answer {
    let mut stream = std::net::TcpStream::connect(addr).expect("the server listens");
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    let request = match form {
        None => format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Connection: close\r\n\r\n"),
        Some(pairs) => {
            let body = encode(pairs);
            format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }
    };
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The anti-CSRF token of the forms of an account page.
fn csrf(page: &str) -> String {
    let field = "name=\"csrf\" value=\"";
    let at = page.find(field).expect("a form with its token") + field.len();
    page[at..at + 64].to_owned()
}

/// `essor admin …` on the store folder `magasin` of `dir`.
fn admin(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_essor"))
        .arg("admin")
        .args(args)
        .args(["--store", "magasin"])
        .current_dir(dir)
        .env_remove("ESSOR_SMTP")
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A store folder with its registry and one organisation, n° 1.
fn organisation(dir: &Path) {
    std::fs::create_dir_all(dir.join("magasin")).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        essor_store::registry::Registry::open_in(&dir.join("magasin"))
            .await
            .unwrap()
            .close()
            .await
    });
    let o = admin(
        dir,
        &[
            "creer-organisation",
            "--type",
            "structure_accompagnement",
            "--nom",
            "Pôle ESS du pays de Rennes",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn an_invited_person_reads_the_mail_sets_a_password_signs_in_and_resets_it_by_mail() {
    // Issue 15: "a new user is invited, sets a password, logs in, sees only what their
    // organisation and roles allow".
    let Some(tool) = aiosmtpd() else { return };
    let dir = tempfile::tempdir().unwrap();
    organisation(dir.path());
    let smtp = Smtp::start(tool, dir.path());
    let store = dir.path().join("magasin");
    let serve = Serve::start(&[
        "--store".as_ref(),
        store.as_os_str(),
        "--smtp".as_ref(),
        smtp.url().as_ref(),
        "--mail-from".as_ref(),
        "essor Rennes <essor@rennes.example.fr>".as_ref(),
    ]);
    let addr = serve.addr.clone();
    assert!(
        serve
            .log()
            .contains(&format!("courriels envoyés par {}", smtp.url())),
        "{}",
        serve.log()
    );

    // The invitation, from the command line, sent by e-mail too.
    let o = admin(
        dir.path(),
        &[
            "inviter",
            "--email",
            "Alix.Martin@pole-ess.example.fr",
            "--org",
            "1",
            "--role",
            "admin",
            "--public-url",
            &format!("http://{addr}"),
            "--smtp",
            &smtp.url(),
            "--mail-from",
            "essor Rennes <essor@rennes.example.fr>",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let printed = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    let mail = smtp.message(1);
    assert_eq!(mail.get("to"), "alix.martin@pole-ess.example.fr");
    assert_eq!(mail.get("from"), "essor Rennes <essor@rennes.example.fr>");
    assert_eq!(
        mail.get("subject"),
        "Invitation à rejoindre « Pôle ESS du pays de Rennes » sur essor"
    );
    assert_eq!(mail.get("type"), "text/plain");
    let invitation = mail.link(&addr, "/invitation/");
    assert_eq!(printed, format!("http://{addr}{invitation}"));
    assert!(
        mail.get("body")
            .contains("comme administrateur de l'organisation"),
        "{}",
        mail.get("body")
    );

    let page = http(&addr, &invitation, None, None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        page.body.contains("Pôle ESS du pays de Rennes"),
        "{}",
        page.body
    );
    // Two different passwords, then a guessable one: the form again, the link unspent.
    let refused = http(
        &addr,
        &invitation,
        Some(&[
            ("name", "Alix Martin"),
            ("password", PASSWORD),
            ("confirmation", "autre chose encore 12"),
        ]),
        None,
    );
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("les deux mots de passe diffèrent"));
    let weak = http(
        &addr,
        &invitation,
        Some(&[
            ("name", "Alix Martin"),
            ("password", "alixmartin2026"),
            ("confirmation", "alixmartin2026"),
        ]),
        None,
    );
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("trop facile à deviner"), "{}", weak.body);
    let accepted = http(
        &addr,
        &invitation,
        Some(&[
            ("name", "Alix Martin"),
            ("password", PASSWORD),
            ("confirmation", PASSWORD),
        ]),
        None,
    );
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert_eq!(accepted.header("location"), Some("/compte"));
    let cookie = accepted.cookie();
    let account = http(&addr, "/compte", None, Some(&cookie));
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Alix Martin"), "{}", account.body);
    assert!(
        account
            .body
            .contains("\">Pôle ESS du pays de Rennes</a></td>")
    );
    assert_eq!(account.body.matches("<tr><td>").count(), 1, "one role only");

    // As the organisation's administrator, Alix invites Dominique from the web.
    let alix_csrf = csrf(&account.body);
    let sent = http(
        &addr,
        "/compte/invitations",
        Some(&[
            ("csrf", &alix_csrf),
            ("organisation", "1"),
            ("email", "dominique@pole-ess.example.fr"),
            ("role", "reviewer"),
        ]),
        Some(&cookie),
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(
        sent.body
            .contains("Invitation envoyée par courriel à dominique@pole-ess.example.fr"),
        "{}",
        sent.body
    );
    let mail = smtp.message(2);
    assert_eq!(mail.get("to"), "dominique@pole-ess.example.fr");
    let second = mail.link(&addr, "/invitation/");
    let accepted = http(
        &addr,
        &second,
        Some(&[
            ("name", "Dominique Martin"),
            ("password", "marée basse sur le canal 1907"),
            ("confirmation", "marée basse sur le canal 1907"),
        ]),
        None,
    );
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let dominique = accepted.cookie();
    let page = http(&addr, "/compte", None, Some(&dominique));
    assert!(page.body.contains("\">Pôle ESS du pays de Rennes</a></td>"));
    // A reviewer may not invite: no form, and a forged one is refused.
    assert!(!page.body.contains("Inviter une personne"), "{}", page.body);
    let forged = http(
        &addr,
        "/compte/invitations",
        Some(&[
            ("csrf", &csrf(&page.body)),
            ("organisation", "1"),
            ("email", "intrus@example.fr"),
            ("role", "admin"),
        ]),
        Some(&dominique),
    );
    assert_eq!(forged.status, 403);
    // (askama writes the apostrophe as &#39;)
    assert!(
        forged
            .body
            .contains("Invitation refusée</h2>\n    <p>seul un administrateur de l"),
        "{}",
        forged.body
    );
    // Without the session's anti-CSRF token, nothing.
    let no_token = http(
        &addr,
        "/compte/invitations",
        Some(&[
            ("organisation", "1"),
            ("email", "x@example.fr"),
            ("role", "agent"),
        ]),
        Some(&cookie),
    );
    assert_eq!(no_token.status, 403);
    // The link served once.
    let again = http(&addr, &invitation, None, None);
    assert_eq!(again.status, 410);
    assert!(
        again.body.contains("ce lien a déjà servi") || again.body.contains("Ce lien a déjà servi")
    );
    assert_eq!(again.header("referrer-policy"), Some("no-referrer"));

    // A forgotten password: the same answer for a known and an unknown address.
    let forgot = http(&addr, "/connexion", None, None);
    assert!(forgot.body.contains("href=\"/mot-de-passe-oublie\""));
    let known = http(
        &addr,
        "/mot-de-passe-oublie",
        Some(&[("email", "alix.martin@pole-ess.example.fr")]),
        None,
    );
    let unknown = http(
        &addr,
        "/mot-de-passe-oublie",
        Some(&[("email", "personne@pole-ess.example.fr")]),
        None,
    );
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(known.body, unknown.body);
    let mail = smtp.message(3);
    assert_eq!(mail.get("to"), "alix.martin@pole-ess.example.fr");
    assert_eq!(
        mail.get("subject"),
        "Réinitialisation de votre mot de passe essor"
    );
    let reset = mail.link(&addr, "/reinitialiser/");
    let page = http(&addr, &reset, None, None);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let done = http(
        &addr,
        &reset,
        Some(&[("password", NEW_PASSWORD), ("confirmation", NEW_PASSWORD)]),
        None,
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Mot de passe changé"));
    // The session opened on acceptance is closed; the old password no longer works.
    assert_eq!(http(&addr, "/compte", None, Some(&cookie)).status, 303);
    let old = http(
        &addr,
        "/connexion",
        Some(&[
            ("email", "alix.martin@pole-ess.example.fr"),
            ("password", PASSWORD),
        ]),
        None,
    );
    assert_eq!(old.status, 400);
    let signed_in = http(
        &addr,
        "/connexion",
        Some(&[
            ("email", "alix.martin@pole-ess.example.fr"),
            ("password", NEW_PASSWORD),
        ]),
        None,
    );
    assert_eq!(signed_in.status, 303);
    assert_eq!(
        http(&addr, "/compte", None, Some(&signed_in.cookie())).status,
        200
    );
    assert_eq!(http(&addr, &reset, None, None).status, 410);
    // Nothing was sent to the unknown address.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(smtp.files().len(), 3, "{:?}", smtp.files());
}

#[test]
fn without_smtp_the_invitation_is_printed_and_the_reset_link_is_in_the_server_log() {
    let dir = tempfile::tempdir().unwrap();
    organisation(dir.path());
    let store = dir.path().join("magasin");
    let serve = Serve::start(&["--store".as_ref(), store.as_os_str()]);
    let addr = serve.addr.clone();
    assert!(
        serve.log().contains("aucun serveur SMTP (--smtp)"),
        "{}",
        serve.log()
    );
    let o = admin(
        dir.path(),
        &[
            "invite",
            "--email",
            "camille@rennes.example.fr",
            "--org",
            "1",
            "--role",
            "agent",
            "--public-url",
            &format!("http://{addr}/"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("camille@rennes.example.fr invité·e à rejoindre « Pôle ESS du pays de Rennes » comme agent instructeur"),
        "{}",
        stderr(&o)
    );
    let link = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    let path = link
        .strip_prefix(&format!("http://{addr}"))
        .expect("a link to the server")
        .to_owned();
    assert!(path.starts_with("/invitation/"), "{link}");
    let accepted = http(
        &addr,
        &path,
        Some(&[
            ("name", "Camille Dupont"),
            ("password", PASSWORD),
            ("confirmation", PASSWORD),
        ]),
        None,
    );
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let account = http(&addr, "/compte", None, Some(&accepted.cookie()));
    assert!(
        account.body.contains("agent instructeur"),
        "{}",
        account.body
    );

    // A reset without SMTP: the link is in the server's log.
    let asked = http(
        &addr,
        "/mot-de-passe-oublie",
        Some(&[("email", "camille@rennes.example.fr")]),
        None,
    );
    assert_eq!(asked.status, 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    let reset = loop {
        let log = serve.log();
        if let Some(at) = log.find(&format!("http://{addr}/reinitialiser/")) {
            let link = log[at..].split_whitespace().next().unwrap().to_owned();
            break link[format!("http://{addr}").len()..].to_owned();
        }
        assert!(Instant::now() < deadline, "no link in the log: {log}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(http(&addr, &reset, None, None).status, 200);

    // Unknown, malformed links and organisations: clear French answers, never a 500.
    let unknown = http(
        &addr,
        &format!("/invitation/{}", "0".repeat(64)),
        None,
        None,
    );
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("Lien inconnu"), "{}", unknown.body);
    assert_eq!(
        http(&addr, "/reinitialiser/pas-un-jeton", None, None).status,
        404
    );
    let o = admin(
        dir.path(),
        &[
            "inviter", "--email", "x@y.fr", "--org", "9", "--role", "agent",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("aucune organisation n° 9"),
        "{}",
        stderr(&o)
    );
}
