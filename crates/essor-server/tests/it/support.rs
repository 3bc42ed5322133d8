//! A real server on 127.0.0.1, port 0, over the embedded QPV and a chosen store.

use essor_app::registry::SqlRegistry;
use essor_app::store::{
    Actor, ActorRecord, Diffusion, Indicator, LegalFamily, MemoryStore, SqliteStore,
    TerritoryLevel, TerritoryRef,
};
use essor_model::Siret;
use essor_observatory::{ActorScope, Diagnosis, IndicatorRow, Inputs};
use essor_server::{AppState, Server, ServerConfig};
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

/// Built once per test binary: the index and the WGS84 shapes take a moment.
pub static EMBEDDED: LazyLock<AppState> = LazyLock::new(AppState::embedded);

/// The committed SIRENE fixtures (`tests/fixtures/sirene`, with the geolocation file) through
/// the real observatory pipeline, every diffusible actor kept.
pub struct FixtureRun {
    pub inputs: Inputs,
    pub diagnosis: Diagnosis,
    pub rows: Vec<IndicatorRow>,
}

pub fn fixture_inputs() -> Inputs {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sirene");
    Inputs {
        etablissements: dir.join("StockEtablissement_utf8.csv"),
        unites_legales: dir.join("StockUniteLegale_utf8.csv"),
        geoloc: Some(
            dir.join("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv"),
        ),
        perimeter: essor_model::legal::Perimeter::Sirene,
    }
}

/// A run of the observatory on the fixtures, keeping the actors of `scope`.
pub fn diagnose(scope: ActorScope) -> (Diagnosis, Vec<IndicatorRow>) {
    let d = essor_observatory::diagnose(&fixture_inputs(), &EMBEDDED.index, &scope, &())
        .expect("the fixtures are read");
    let rows = essor_observatory::rows(&d, EMBEDDED.index.layer());
    (d, rows)
}

pub static FIXTURES: LazyLock<FixtureRun> = LazyLock::new(|| {
    let (diagnosis, rows) = diagnose(ActorScope::All);
    FixtureRun {
        inputs: fixture_inputs(),
        diagnosis,
        rows,
    }
});

/// The fixtures' figures and actors in a memory store.
pub fn fixture_store() -> MemoryStore {
    let f = &*FIXTURES;
    MemoryStore::from_run(
        &f.diagnosis,
        &f.rows,
        EMBEDDED.index.layer(),
        &f.inputs,
        "fichiers SIRENE fictifs de test (tests/fixtures/sirene)",
        false,
    )
}

/// Writes the fixtures' snapshot into `dir` (as `essor ingest` does) and opens it.
pub fn fixture_sqlite_store(dir: &std::path::Path) -> SqliteStore {
    let f = &*FIXTURES;
    essor_app::store::sqlite::write_snapshot(
        dir,
        &f.diagnosis,
        &f.rows,
        EMBEDDED.index.layer(),
        &f.inputs,
        "fichiers SIRENE fictifs de test (tests/fixtures/sirene)",
        false,
    )
    .expect("the snapshot is written");
    // The watcher never ticks during a test: tests that swap snapshots call `refresh`.
    SqliteStore::open_watching(dir, std::time::Duration::from_secs(3600), |_| {})
        .expect("the snapshot opens")
}

/// An actor of the fixtures in QP093028 (association, 20 à 49 salariés, RNA, enseigne).
pub const TILLEULS_SIRET: &str = "99900001100011";
/// A partially diffusible establishment of the fixtures (unit U11).
pub const FIXTURE_HIDDEN_SIRET: &str = "99900011000020";

/// A running server; stops when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    /// The embedded QPV and no data.
    pub async fn empty() -> Self {
        Self::start(EMBEDDED.clone()).await
    }

    /// The embedded QPV and the SIRENE fixtures through the observatory.
    pub async fn fixtures() -> Self {
        Self::start(EMBEDDED.with_store(Arc::new(fixture_store()))).await
    }

    /// The embedded QPV and the SIRENE fixtures through the observatory into a SQLite
    /// snapshot in `dir` (what `essor ingest` builds), served by the SQLite adapter.
    pub async fn fixtures_sqlite(dir: &std::path::Path) -> (Self, Arc<SqliteStore>) {
        let store = Arc::new(fixture_sqlite_store(dir));
        (Self::start(EMBEDDED.with_store(store.clone())).await, store)
    }

    /// The embedded QPV and `store`.
    pub async fn with_store(store: MemoryStore) -> Self {
        Self::start(EMBEDDED.with_store(Arc::new(store))).await
    }

    /// The embedded QPV and the synthetic sample below.
    pub async fn demo() -> Self {
        Self::start(EMBEDDED.with_store(Arc::new(sample_store()))).await
    }

    /// The embedded QPV, no actors, and referrals kept in `dir/registre.sqlite`.
    pub async fn with_registry(dir: &std::path::Path) -> Self {
        let registry = SqlRegistry::open_in(dir, Default::default())
            .await
            .expect("a registry in a temporary folder");
        Self::start(EMBEDDED.with_sql_registry(registry)).await
    }

    /// Any state (a public address, a write limit…).
    pub async fn start(state: AppState) -> Self {
        let server = Server::bind(ServerConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            state,
        })
        .await
        .expect("bind 127.0.0.1:0");
        let addr = server.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("a text body"))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(self.url(path)).await.expect("request")
    }

    pub async fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.json().await.expect("a JSON body"))
    }

    /// Sends `body` as JSON with `method`; the status and the JSON answer.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let res = reqwest::Client::new()
            .request(method, self.url(path))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.expect("a JSON body"))
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn patch_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.send_json(reqwest::Method::PATCH, path, body).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub const REGIE_SIRET: &str = "78467169500087";
pub const HIDDEN_SIRET: &str = "44306184100047";

pub fn record(siret: &str, name: &str, lon_lat: (f64, f64), band: &str) -> ActorRecord {
    ActorRecord {
        siret: Siret::parse(siret).unwrap(),
        name: name.into(),
        enseigne: None,
        legal_family: LegalFamily::Association,
        categorie_juridique: "9220".into(),
        naf: Some("88.99B".into()),
        tranche_effectifs: Some("12".into()),
        employer: true,
        address: Some("1 rue de la Démonstration 93200 Saint-Denis".into()),
        commune: Some("93066".into()),
        rna: None,
        lon_lat: Some(lon_lat),
        qpv_code: (band == "in").then(|| "QP093028".into()),
        nearest_qpv_code: Some("QP093028".into()),
        distance_m: Some(if band == "in" { 0.0 } else { 420.0 }),
        band: Some(band.parse().expect("a band code")),
    }
}

/// Two synthetic actors, one of them partially diffusible (never visible), and figures for
/// QP093028.
pub fn sample_store() -> MemoryStore {
    let shown = Actor::new(
        record(
            REGIE_SIRET,
            "Régie de quartier de démonstration",
            (2.3815, 48.9177),
            "in",
        ),
        Diffusion::Diffusible,
    )
    .unwrap();
    let hidden = Actor::new(
        record(HIDDEN_SIRET, "Unité non diffusible", (2.383, 48.918), "500"),
        Diffusion::Partielle,
    );
    assert!(hidden.is_none(), "a P unit never becomes an Actor");
    MemoryStore::new("jeu synthétique de test", true)
        .with_actor(shown)
        .with_figures(
            TerritoryRef {
                level: TerritoryLevel::Qpv,
                code: "QP093028".into(),
            },
            vec![
                Indicator {
                    name: "ess_employer_establishments".into(),
                    value: Some(12.0),
                },
                Indicator {
                    name: "ess_jobs_share".into(),
                    value: Some(0.134),
                },
            ],
        )
}
