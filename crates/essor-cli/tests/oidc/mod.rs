//! Signing in through a real OpenID provider on loopback (issue 15): the certified
//! `oidc-provider` package (`tests/oidc/provider.mjs`, run with the machine's Node.js) and the
//! real `essor serve --oidc-issuer …`, driven over plain HTTP with a cookie jar as a browser
//! would: the provider's login and consent forms, its redirections, essor's cookies.
//!
//! The provider comes from `ESSOR_OIDC_PROVIDER` (its script), else `tests/oidc/provider.mjs`,
//! with its `node_modules` installed by `(cd tests/oidc && npm ci)` as `.ci/run` does. Without
//! them, on a developer's machine each test says why on stderr and is skipped; in CI (`CI` set)
//! a missing provider fails the test, as the browser tests do.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use essor_store::registry::{Channel, NewAccount, Principal, Registry};

const CLIENT_ID: &str = "essor-tests";
const CLIENT_SECRET: &str = "secret-du-client-de-test-0123456789";
const PASSWORD: &str = "cerf-volant hibou grenadine 42";

/// The provider's script, if it can run here.
fn provider_script() -> Option<PathBuf> {
    let script = std::env::var_os("ESSOR_OIDC_PROVIDER")
        .map_or_else(|| super::repo("tests/oidc/provider.mjs"), PathBuf::from);
    let modules = script
        .parent()
        .map(|d| d.join("node_modules/oidc-provider"))
        .filter(|m| m.is_dir());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if modules.is_some() && node {
        return Some(script);
    }
    let why = format!(
        "the OpenID provider of the tests is missing: install Node.js and run `(cd tests/oidc && npm ci --no-audit --no-fund)` (or set ESSOR_OIDC_PROVIDER to provider.mjs) — looked for {}",
        script.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("OpenID Connect test skipped: {why}");
    None
}

/// A process ended on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free port of loopback (the provider must know essor's return address before essor
/// starts, and essor the provider's before it does).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Reads `child`'s `stream` until a line containing `marker`; returns what follows it, and
/// keeps draining the stream so that the process never blocks on a full pipe.
fn wait_for(stream: impl std::io::Read + Send + 'static, marker: &str) -> String {
    let mut lines = BufReader::new(stream).lines();
    let found = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("the process ended before printing « {marker} »"))
            .unwrap();
        if let Some((_, rest)) = line.split_once(marker) {
            break rest.trim().to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    found
}

/// The provider, and essor signing in through it, on loopback.
struct Setup {
    _provider: Running,
    _essor: Running,
    issuer: String,
    essor: String,
    store: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
}

impl Setup {
    /// Accounts for camille, dominique and claude (not sacha), then both servers.
    fn start(script: PathBuf) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let store = tempfile::tempdir().unwrap();
        runtime.block_on(async {
            let registry = Registry::open_in(store.path()).await.unwrap();
            for (email, name) in [
                ("camille.dupont@rennes.fr", "Camille Dupont"),
                ("dominique.martin@rennes.fr", "Dominique Martin"),
                ("claude.sans-preuve@rennes.fr", "Claude Sans-Preuve"),
            ] {
                registry
                    .create_account(
                        NewAccount {
                            email: email.into(),
                            display_name: name.into(),
                            password: PASSWORD.into(),
                        },
                        &Principal::system("admin"),
                        Channel::Task,
                    )
                    .await
                    .unwrap();
            }
            registry.close().await;
        });
        let port = free_port();
        let essor = format!("http://127.0.0.1:{port}");
        let mut provider = Command::new("node")
            .arg(&script)
            .arg("0")
            .env("ESSOR_OIDC_CLIENT_ID", CLIENT_ID)
            .env("ESSOR_OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env(
                "ESSOR_OIDC_REDIRECT_URI",
                format!("{essor}/connexion/oidc/retour"),
            )
            // Kept open by the child's handle: closed when the test ends, which stops node.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts the provider");
        let issuer = wait_for(
            provider.stdout.take().unwrap(),
            "oidc-provider listening on",
        );
        let provider = Running(provider);
        let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--store"])
            .arg(store.path())
            .args(["--oidc-issuer", &issuer, "--oidc-client-id", CLIENT_ID])
            .env("ESSOR_OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .stderr(Stdio::piped())
            .spawn()
            .expect("essor serve starts");
        wait_for(child.stderr.take().unwrap(), "carte et API sur http://");
        Self {
            _provider: provider,
            _essor: Running(child),
            issuer,
            essor,
            store,
            runtime,
        }
    }

    /// The registry essor writes to (read while it runs: SQLite in WAL mode).
    fn registry<T>(&self, read: impl AsyncFnOnce(&Registry) -> T) -> T {
        self.runtime.block_on(async {
            let registry = Registry::open_in(self.store.path()).await.unwrap();
            let out = read(&registry).await;
            registry.close().await;
            out
        })
    }

    /// `(action, principal kind, user id)` of every audit row.
    fn audit(&self) -> Vec<(String, String, Option<i64>)> {
        self.registry(async |r| {
            r.audit_log(None)
                .await
                .unwrap()
                .into_iter()
                .map(|a| (a.action, a.principal_kind, a.user_id))
                .collect()
        })
    }

    fn account_id(&self, email: &str) -> i64 {
        let email = email.to_owned();
        self.registry(async move |r| r.account_by_email(&email).await.unwrap().unwrap().id)
    }
}

/// One answer, as a browser sees it.
#[derive(Debug)]
struct Answer {
    status: u16,
    location: Option<String>,
    cookies: Vec<String>,
    body: String,
}

/// A browser without JavaScript: a cookie jar (by name: essor and the provider share the host
/// 127.0.0.1, as cookies ignore ports) and no automatic redirections.
struct Browser {
    client: reqwest::Client,
    jar: BTreeMap<String, String>,
    runtime: tokio::runtime::Runtime,
}

impl Browser {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: BTreeMap::new(),
            runtime: tokio::runtime::Runtime::new().unwrap(),
        }
    }

    fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let cookie = self
            .jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        let response = self.runtime.block_on(request.send()).expect("an answer");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for set in &cookies {
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = set.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            if expired {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
        // Pages escape apostrophes; the messages are compared as a person reads them.
        let body = self
            .runtime
            .block_on(response.text())
            .unwrap()
            .replace("&#39;", "'");
        Answer {
            status,
            location,
            cookies,
            body,
        }
    }

    fn get(&mut self, url: &str) -> Answer {
        let request = self.client.get(url);
        self.send(request)
    }

    fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = self
            .client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request)
    }
}

/// `location` made absolute against the address `base` it answered.
fn absolute(location: &str, base: &str) -> String {
    if location.starts_with("http://") {
        return location.to_owned();
    }
    let origin: String = base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    format!("{origin}{location}")
}

/// The value of `name`'s query parameter in `url`.
fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `url` with `name`'s query parameter set to `value`.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (base, query) = url.split_once('?').unwrap();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .map(|(k, v)| {
            if k == name {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{base}?{query}")
}

/// From the provider's authorization address, signs in as `login` (any password: the
/// provider's development form) and consents, until the provider sends the browser back to
/// essor; returns that address, not yet followed.
fn at_provider(browser: &mut Browser, essor: &str, authorize: &str, login: &str) -> String {
    let mut url = authorize.to_owned();
    for _ in 0..12 {
        let answer = browser.get(&url);
        if let Some(location) = answer.location {
            let next = absolute(&location, &url);
            if next.starts_with(essor) {
                return next;
            }
            url = next;
            continue;
        }
        assert_eq!(answer.status, 200, "{url}: {}", answer.body);
        let action = answer
            .body
            .split(r#"action=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("a form at {url}: {}", answer.body));
        let action = absolute(action, &url);
        let posted = if answer.body.contains(r#"name="prompt" value="login""#) {
            browser.post(
                &action,
                &[("prompt", "login"), ("login", login), ("password", "x")],
            )
        } else {
            browser.post(&action, &[("prompt", "consent")])
        };
        let location = posted
            .location
            .unwrap_or_else(|| panic!("{action}: {} {}", posted.status, posted.body));
        url = absolute(&location, &action);
        if url.starts_with(essor) {
            return url;
        }
    }
    panic!("the provider never sent the browser back to essor");
}

/// Starts a sign-in on essor: the provider's authorization address.
fn start(browser: &mut Browser, essor: &str) -> String {
    let answer = browser.get(&format!("{essor}/connexion/oidc?suite=/compte"));
    assert_eq!(answer.status, 303, "{}", answer.body);
    let set = answer
        .cookies
        .iter()
        .find(|c| c.starts_with("essor_oidc="))
        .expect("the sign-in's cookie");
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/connexion/oidc",
        "Max-Age=600",
    ] {
        assert!(set.contains(flag), "{flag} in {set}");
    }
    answer.location.expect("the provider's address")
}

/// The essor session cookie an answer sets, as a `Cookie` header.
fn session_cookie(answer: &Answer) -> Option<String> {
    answer
        .cookies
        .iter()
        .find(|c| c.starts_with("essor_session=") && !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

#[test]
fn an_agent_signs_in_through_a_real_openid_provider_linked_by_verified_address_then_by_identity() {
    let Some(script) = provider_script() else {
        return;
    };
    let s = Setup::start(script);
    let camille = s.account_id("camille.dupont@rennes.fr");

    let mut browser = Browser::new();
    let page = browser.get(&format!("{}/connexion", s.essor));
    assert!(
        page.body.contains("Se connecter avec ProConnect"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"href="/connexion/oidc?suite=%2Fcompte""#)
    );

    let authorize = start(&mut browser, &s.essor);
    assert!(authorize.starts_with(&s.issuer), "{authorize}");
    for (name, value) in [
        ("response_type", Some("code")),
        ("client_id", Some(CLIENT_ID)),
        ("code_challenge_method", Some("S256")),
    ] {
        assert_eq!(param(&authorize, name).as_deref(), value, "{authorize}");
    }
    for name in ["state", "nonce", "code_challenge"] {
        assert!(param(&authorize, name).is_some(), "{name} in {authorize}");
    }
    let secret = browser.jar["essor_oidc"].clone();
    assert!(
        !authorize.contains(&secret),
        "the browser's secret never leaves it"
    );

    let back = at_provider(&mut browser, &s.essor, &authorize, "camille");
    assert_eq!(param(&back, "iss").as_deref(), Some(s.issuer.as_str()));

    // An altered state, or the same answer in another browser (login CSRF), is refused and
    // leaves the sign-in to its browser.
    let tampered = with_param(&back, "state", &"0".repeat(64));
    let refused = browser.get(&tampered);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("ne correspond pas à la connexion commencée")
    );
    let mut stranger = Browser::new();
    let refused = stranger.get(&back);
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("a expiré ou a déjà servi"));
    assert!(session_cookie(&refused).is_none());
    // The sign-in page with the French refusal: never a token's details.
    assert!(!refused.body.contains(&param(&back, "code").unwrap()));

    // Signed in: the session cookie as a password gives it, the sign-in's cookie forgotten.
    let signed_in = browser.get(&back);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.location.as_deref(), Some("/compte"));
    assert!(session_cookie(&signed_in).is_some(), "a session");
    assert!(
        signed_in
            .cookies
            .iter()
            .any(|c| c.starts_with("essor_oidc=;") && c.contains("Max-Age=0"))
    );
    let account = browser.get(&format!("{}/compte", s.essor));
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(account.body.contains("Camille Dupont"), "{}", account.body);
    assert!(browser.jar.contains_key("essor_session"));

    // The same answer replayed, even with the sign-in's cookie, finds it used.
    let mut replay = Browser::new();
    replay.jar.insert("essor_oidc".into(), secret);
    let replayed = replay.get(&back);
    assert_eq!(replayed.status, 400, "{}", replayed.body);
    assert!(replayed.body.contains("a expiré ou a déjà servi"));
    assert!(session_cookie(&replayed).is_none());

    // Linked with the address the provider vouched for; then the identity alone signs in
    // (a new browser: the provider asks again, essor links nothing more).
    let linked = s.registry(async |r| r.identities(camille).await.unwrap());
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].issuer, s.issuer);
    assert_eq!(linked[0].subject, "camille");
    assert_eq!(linked[0].email, "camille.dupont@rennes.fr");
    let mut other = Browser::new();
    let authorize = start(&mut other, &s.essor);
    let back = at_provider(&mut other, &s.essor, &authorize, "camille");
    let again = other.get(&back);
    assert_eq!(again.status, 303, "{}", again.body);
    assert!(session_cookie(&again).is_some());

    // A nonce altered on the way to the provider comes back in the ID token: refused.
    let mut altered = Browser::new();
    let authorize = start(&mut altered, &s.essor);
    let authorize = with_param(&authorize, "nonce", "autre-nonce-choisi-par-un-tiers");
    let back = at_provider(&mut altered, &s.essor, &authorize, "camille");
    let refused = altered.get(&back);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("réponse du fournisseur d'identité n'a pas pu être vérifiée")
    );
    assert!(session_cookie(&refused).is_none());

    // An answer naming another issuer (RFC 9207 mix-up) is refused.
    let mut mixed = Browser::new();
    let authorize = start(&mut mixed, &s.essor);
    let back = at_provider(&mut mixed, &s.essor, &authorize, "camille");
    let refused = mixed.get(&with_param(&back, "iss", "https://autre.example.fr"));
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(session_cookie(&refused).is_none());

    // Every write is in the audit log with its author: the link and the two sessions, by
    // Camille's account.
    let rows = s.audit();
    let user = |action: &str| (action.to_owned(), "user".to_owned(), Some(camille));
    assert_eq!(
        rows[3..],
        [
            user("identity.link"),
            user("session.open"),
            user("session.open")
        ],
        "{rows:?}"
    );
}

#[test]
fn unverified_missing_and_unknown_addresses_are_refused_in_french_and_nothing_is_linked() {
    let Some(script) = provider_script() else {
        return;
    };
    let s = Setup::start(script);
    for (login, why) in [
        // An essor account has this address, but the provider says it is not verified.
        (
            "dominique",
            "n'atteste pas que votre adresse électronique est vérifiée",
        ),
        // No email_verified claim at all: not verified (no --oidc-adresse-verifiee).
        (
            "claude",
            "n'atteste pas que votre adresse électronique est vérifiée",
        ),
        // Verified, but no essor account: no account is created.
        (
            "sacha",
            "aucun compte essor n'est associé à cette adresse ; demandez une invitation à l'administrateur de votre organisation",
        ),
    ] {
        let mut browser = Browser::new();
        let authorize = start(&mut browser, &s.essor);
        let back = at_provider(&mut browser, &s.essor, &authorize, login);
        let refused = browser.get(&back);
        assert_eq!(refused.status, 403, "{login}: {}", refused.body);
        assert!(refused.body.contains(why), "{login}: {}", refused.body);
        assert!(refused.body.contains("Connexion refusée"));
        assert!(session_cookie(&refused).is_none(), "{login}");
    }
    let (accounts, identities) = s.registry(async |r| {
        let accounts = r.accounts().await.unwrap();
        let mut identities = 0;
        for a in &accounts {
            identities += r.identities(a.id).await.unwrap().len();
        }
        (accounts.len(), identities)
    });
    assert_eq!((accounts, identities), (3, 0));
    assert!(
        s.audit()
            .iter()
            .all(|(action, _, _)| action == "account.create"),
        "refusals write nothing"
    );
}

#[test]
fn serve_refuses_to_start_without_a_reachable_provider_its_secret_or_https() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let serve = |issuer: &str, secret: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_essor"));
        c.args(["serve", "--addr", "127.0.0.1:0", "--store"])
            .arg(&store)
            .args(["--oidc-issuer", issuer, "--oidc-client-id", CLIENT_ID])
            .env_remove("ESSOR_OIDC_CLIENT_SECRET");
        if let Some(secret) = secret {
            c.env("ESSOR_OIDC_CLIENT_SECRET", secret);
        }
        c.output().unwrap()
    };
    // Nothing listens on this port: discovery fails, the server does not start.
    let closed = format!("http://127.0.0.1:{}", free_port());
    for (issuer, secret, message) in [
        (
            closed.as_str(),
            Some(CLIENT_SECRET),
            "découverte impossible",
        ),
        (
            "http://auth.example.fr",
            Some(CLIENT_SECRET),
            "adresse https:// attendue (http:// seulement sur la boucle locale",
        ),
        (closed.as_str(), None, "ESSOR_OIDC_CLIENT_SECRET"),
    ] {
        let o = serve(issuer, secret);
        let stderr = super::stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{issuer}: {stderr}");
        assert!(stderr.contains(message), "{issuer}: {stderr}");
        assert!(!stderr.contains(CLIENT_SECRET), "{stderr}");
    }
}
