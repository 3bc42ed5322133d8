//! The pages in headless Chromium, driven through WebDriver (chromedriver). Needs the Debian
//! packages `chromium` and `chromium-driver` (see `CI-NEEDS.md`). Without them, on a
//! developer's machine each browser test says why on stderr and is skipped; in CI (`CI` set,
//! as `.ci/run` runs) a missing browser fails the test. `ESSOR_CHROMIUM` and
//! `ESSOR_CHROMEDRIVER` override the paths.
//! Screenshots are saved under `target/artifacts/`.

use crate::support::{REGIE_SIRET, TILLEULS_SIRET, TestApp};

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The path of a tool; `None` (with the reason on stderr) when it is missing on a developer's
/// machine. In CI a missing tool fails the test: the browser tests must run there.
fn tool(var: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} not found: the browser tests need Chromium and its WebDriver; install them with `apt-get update && apt-get install -y chromium chromium-driver` (or set {var})",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("browser test skipped: {why}");
    None
}

/// axe-core, vendored by `tests/vendor/fetch.sh` (never served by essor).
const AXE: &str = include_str!("../../../../tests/vendor/axe-core/axe.min.js");

/// A chromedriver process and a browser session, both ended on drop.
pub struct Browser {
    client: Option<Client>,
    driver: Child,
    profile: tempfile::TempDir,
}

impl Browser {
    /// `None` when the browser is missing on a developer's machine (the test is skipped).
    pub async fn start() -> Option<Self> {
        Self::launch(true).await
    }

    /// A session with JavaScript turned off, for pages that must work without it.
    pub async fn start_without_javascript() -> Option<Self> {
        Self::launch(false).await
    }

    async fn launch(javascript: bool) -> Option<Self> {
        let chromium = tool("ESSOR_CHROMIUM", "/usr/bin/chromium")?;
        let chromedriver = tool("ESSOR_CHROMEDRIVER", "/usr/bin/chromedriver")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            // WebGL through SwiftShader, the software renderer, for MapLibre.
            "--enable-unsafe-swiftshader".to_owned(),
            "--use-angle=swiftshader".to_owned(),
            "--window-size=1280,1000".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        // Downloads land in the profile, without asking.
        let downloads = profile.path().join("telechargements");
        let mut options = serde_json::json!({
            "binary": chromium,
            "args": args,
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            },
        });
        if !javascript {
            options["prefs"]["profile.managed_default_content_settings.javascript"] =
                serde_json::json!(2);
        }
        caps.insert("goog:chromeOptions".into(), options);
        // Chromium may start too slowly for chromedriver on a machine busy compiling: try
        // again before giving up.
        let mut attempt = 1;
        let client = loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 3 => {
                    eprintln!("WebDriver session, attempt {attempt}: {e}; trying again");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Err(e) => panic!("no WebDriver session after {attempt} attempts: {e}"),
            }
        };
        Some(Self {
            client: Some(client),
            driver,
            profile,
        })
    }

    /// The folder downloads land in.
    fn downloads(&self) -> PathBuf {
        self.profile.path().join("telechargements")
    }

    /// A screenshot of the whole page, not only the window (for looking at long pages).
    async fn full_page_screenshot(&self, name: &str) {
        let c = self.client();
        let height = c
            .execute(
                "return Math.ceil(document.documentElement.scrollHeight);",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(1000)
            .min(16_000) as u32;
        c.set_window_size(1280, height + 140).await.unwrap();
        c.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(800)).await;
        self.screenshot(name).await;
        c.set_window_size(1280, 1000).await.unwrap();
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    /// The violations of axe-core's WCAG 2.0 and 2.1 A and AA rules on the current page, one
    /// line each: « rule (impact) : the first elements concerned ».
    pub async fn axe_violations(&self) -> Vec<String> {
        let c = self.client();
        c.execute(&format!("{AXE}\nreturn true;"), vec![])
            .await
            .unwrap();
        let found = c
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then((r) => done({ passes: r.passes.length, violations: r.violations.map((v) => `${v.id} (${v.impact}) : ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`) }))
  .catch((e) => done({ passes: 0, violations: [`axe-core : ${e}`] }));"#,
                vec![],
            )
            .await
            .unwrap();
        // A page where no rule applied means axe did not look at it.
        assert!(
            found["passes"].as_u64().unwrap_or(0) > 10,
            "axe-core ran: {found}"
        );
        found["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Types `text` into the field of that id.
    pub async fn type_into(&self, id: &str, text: &str) {
        self.client()
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("field #{id}: {e}"))
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Clicks the element `css` selects.
    pub async fn click(&self, css: &str) {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("element {css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Waits until `script` (a JS expression) is truthy.
    /// Goes to `url` and waits until the page is parsed down to its footer (`#pied`, in every
    /// page): on a busy CI machine, long pages were once queried before their end (10 of the
    /// table's rows, no footer yet).
    pub async fn open(&self, url: &str) {
        self.client().goto(url).await.unwrap();
        self.wait_until(
            "document.readyState === 'complete' && document.getElementById('pied')",
            &format!("the whole page {url}"),
        )
        .await;
    }

    pub async fn wait_until(&self, script: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let value = self
                .client()
                .execute(&format!("return !!({script});"), vec![])
                .await
                .unwrap();
            if value == serde_json::Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) -> Vec<u8> {
        let png = self.client().screenshot().await.unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), &png).unwrap();
        png
    }

    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The pixels of a PNG screenshot, its width and bytes per pixel (RGB or RGBA).
fn pixels(png: &[u8]) -> (Vec<u8>, u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    buf.truncate(info.buffer_size());
    (buf, info.width, channels)
}

/// Colours seen inside an element of a screenshot: (distinct colours, QPV-red pixels,
/// actor-green pixels).
async fn colours_in(browser: &Browser, png: &[u8], id: &str) -> (usize, usize, usize) {
    let rect = browser
        .client()
        .execute(
            &format!("const r = document.getElementById('{id}').getBoundingClientRect(); return [r.left, r.top, r.width, r.height].map(Math.round);"),
            vec![],
        )
        .await
        .unwrap();
    let r: Vec<u32> = rect
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap_or(0) as u32)
        .collect();
    let (buf, width, channels) = pixels(png);
    let mut colours = std::collections::HashSet::new();
    let (mut red, mut green) = (0, 0);
    for y in r[1]..r[1] + r[3] {
        for x in r[0]..r[0] + r[2] {
            let i = ((y * width + x) * channels) as usize;
            if i + 2 >= buf.len() {
                continue;
            }
            let (r, g, b) = (buf[i], buf[i + 1], buf[i + 2]);
            colours.insert((r, g, b));
            if r > 180 && g < 150 && b < 150 {
                red += 1;
            }
            if g > 90 && r < 80 && b < 100 && g > r + 40 {
                green += 1;
            }
        }
    }
    (colours.len(), red, green)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_draws_the_outlines_and_qp093028_over_saint_denis() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser
        .open(&app.url("/carte?famille=association#carte=13/48.9177/2.3815"))
        .await;
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete'",
            "the map to be idle",
        )
        .await;
    // The QPV layer holds QP093028 where the map is centred.
    let codes = c
        .execute(
            "return [...new Set(window.essorMap.queryRenderedFeatures({layers: ['qpv-fill']}).map(f => f.properties.code))];",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        codes.as_array().unwrap().iter().any(|c| c == "QP093028"),
        "QPV drawn: {codes}"
    );
    // The accessible list links to its page; the filter came back from the URL.
    c.find(Locator::Css("#qpv-visibles a[data-qpv='QP093028']"))
        .await
        .expect("QP093028 in the list of visible QPV");
    let family = c
        .find(Locator::Id("famille"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(family.as_deref(), Some("association"));

    // The canvas is not blank: many colours, and QPV red among them.
    let png = browser.screenshot("carte-saint-denis.png").await;
    let rect = c
        .execute(
            "const r = document.getElementById('carte').getBoundingClientRect(); return [r.left, r.top, r.width, r.height].map(Math.round);",
            vec![],
        )
        .await
        .unwrap();
    let r: Vec<u32> = rect
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    let (buf, width, channels) = pixels(&png);
    let mut colours = std::collections::HashSet::new();
    let mut reddish = 0;
    for y in r[1]..r[1] + r[3] {
        for x in r[0]..r[0] + r[2] {
            let i = ((y * width + x) * channels) as usize;
            if i + 2 >= buf.len() {
                continue;
            }
            let (red, green, blue) = (buf[i], buf[i + 1], buf[i + 2]);
            colours.insert((red, green, blue));
            if red > 180 && green < 150 && blue < 150 {
                reddish += 1;
            }
        }
    }
    assert!(
        colours.len() > 20,
        "only {} colours on the map",
        colours.len()
    );
    assert!(reddish > 500, "only {reddish} QPV-red pixels");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_of_france_draws_regions_and_a_click_on_a_qpv_opens_its_popup() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/carte")).await;
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete'",
            "the map to be idle",
        )
        .await;
    browser.screenshot("carte-france.png").await;
    let regions = c
        .execute(
            "return window.essorMap.queryRenderedFeatures({layers: ['regions-line']}).length;",
            vec![],
        )
        .await
        .unwrap();
    assert!(regions.as_u64().unwrap() > 10, "regions drawn: {regions}");
    // MapLibre's controls speak French.
    let zoom_in = c
        .find(Locator::Css("button.maplibregl-ctrl-zoom-in"))
        .await
        .unwrap();
    assert_eq!(
        zoom_in.attr("aria-label").await.unwrap().as_deref(),
        Some("Zoomer")
    );
    // Fly to Franc Moisin and click its centre.
    c.execute(
        "window.essorMap.jumpTo({center: [2.3815, 48.9177], zoom: 15});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .wait_until(
            "window.essorMap.loaded() && window.essorMap.queryRenderedFeatures(window.essorMap.project([2.3815, 48.9177]), {layers: ['qpv-fill']}).length > 0",
            "QP093028 under the centre",
        )
        .await;
    c.execute(
        "const m = window.essorMap; const p = m.project([2.3815, 48.9177]); m.fire('click', {point: p, lngLat: m.unproject(p), originalEvent: {}});",
        vec![],
    )
    .await
    .unwrap();
    let link = c
        .wait()
        .for_element(Locator::Css(
            ".maplibregl-popup a[href='/territoires/qpv/QP093028']",
        ))
        .await
        .expect("a popup linking to the QPV page");
    assert_eq!(link.text().await.unwrap(), "Voir le diagnostic du quartier");
    browser.screenshot("carte-popup.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_shows_a_demo_actor_that_a_filter_hides_and_the_url_keeps() {
    let app = TestApp::demo().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser
        .open(&app.url("/carte#carte=16/48.9177/2.3815"))
        .await;
    let actors = "window.essorMap.getLayer('acteurs-point') && window.essorMap.queryRenderedFeatures({layers: ['acteurs-point']}).map(f => f.properties.siret)";
    browser
        .wait_until(
            &format!(
                "document.body.dataset.carte === 'prete' && ({actors}).includes('{REGIE_SIRET}')"
            ),
            "the demo actor on the map",
        )
        .await;
    browser
        .wait_until(
            "document.getElementById('compte-acteurs').textContent.startsWith('1 acteur')",
            "the count",
        )
        .await;
    c.find(Locator::Id("bandeau-demonstration"))
        .await
        .expect("the demonstration banner");
    browser.screenshot("carte-acteur-demo.png").await;
    // Choosing "Fondation" updates the URL, the count and the map.
    c.execute("const s = document.getElementById('famille'); s.value = 'fondation'; s.dispatchEvent(new Event('change', {bubbles: true}));", vec![])
        .await
        .unwrap();
    browser
        .wait_until(
            "document.getElementById('compte-acteurs').textContent.startsWith('0 acteur')",
            "the count to drop",
        )
        .await;
    browser
        .wait_until(
            &format!("window.essorMap.loaded() && !({actors}).includes('{REGIE_SIRET}')"),
            "the actor to leave the map",
        )
        .await;
    let url = c.current_url().await.unwrap();
    assert!(url.as_str().contains("famille=fondation"), "{url}");
    assert!(url.as_str().contains("#carte="), "{url}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_search_finds_the_demo_actor_and_leads_to_its_page() {
    let app = TestApp::demo().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/annuaire")).await;
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("REGIE")
        .await
        .unwrap();
    c.find(Locator::Css("#recherche button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The directory without a query lists the actor too: wait for the answer to the search,
    // not for the link of the page being left.
    browser
        .wait_until(
            "location.search.includes('q=REGIE') && document.readyState === 'complete' && document.getElementById('pied')",
            "the search's answer",
        )
        .await;
    let link = c
        .wait()
        .for_element(Locator::Css(&format!(
            "#resultats a[href='/acteurs/{REGIE_SIRET}']"
        )))
        .await
        .expect("the actor in the results");
    browser.screenshot("annuaire.png").await;
    link.click().await.unwrap();
    let name = c
        .wait()
        .for_element(Locator::Id("nom-acteur"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name, "Régie de quartier de démonstration");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_docs_page_lists_every_operation() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/api/docs")).await;
    let title = c
        .find(Locator::Id("titre-api"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "essor — API ouverte");
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for op in [
        "GET /api/v1/locate",
        "GET /api/v1/qpv",
        "GET /api/v1/actors/{siret}",
        "GET /tiles/{layer}/{z}/{x}/{y}.mvt",
    ] {
        assert!(body.contains(op), "{op} documented");
    }
    browser.screenshot("api-docs.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn territory_and_actor_pages_of_synthetic_data_show_the_demonstration_banner() {
    let app = TestApp::demo().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/territoires/qpv/QP093028")).await;
    c.find(Locator::Id("bandeau-demonstration"))
        .await
        .expect("the demonstration banner");
    let figures = c
        .find(Locator::Id("chiffres"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(figures.contains("12"), "{figures}");
    browser
        .open(&app.url(&format!("/acteurs/{REGIE_SIRET}")))
        .await;
    let name = c
        .find(Locator::Id("nom-acteur"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name, "Régie de quartier de démonstration");
    c.find(Locator::Id("bandeau-demonstration"))
        .await
        .expect("the demonstration banner");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_qpv_page_shows_its_figures_against_france_draws_its_map_and_downloads_its_pack() {
    let app = TestApp::fixtures().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/territoires/qpv/QP093028")).await;
    let title = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        title,
        "Franc Moisin - Cosmonautes - Cristino Garcia - Landy"
    );
    // Key figures, with the comparison to France in words.
    // (WebDriver's text turns some no-break spaces into spaces; the API tests check them.)
    let figures = c
        .find(Locator::Id("chiffres"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert!(figures.contains("10 035"), "{figures}");
    assert!(figures.contains("France : 88,6 %"), "{figures}");
    // The comparison table: a France column whose ESS share of jobs is the hand count's.
    let france = c
        .execute(
            r#"const t = document.querySelector('#indicateurs table'); const heads = [...t.tHead.rows[0].cells].map(c => c.textContent.trim()); const col = heads.indexOf('France'); const row = [...t.tBodies[0].rows].find(r => r.cells[0].textContent.startsWith("Part de l'ESS dans l'emploi (estimation) méthode")); return [col, row ? row.cells[col].textContent.trim() : null];"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(france[1], "88,6\u{a0}%", "{france}");
    assert!(france[0].as_i64().unwrap() > 1);
    // The map draws its outline over the QPV tiles: a canvas that is not blank.
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete' && window.essorMap.getLayer('territoire-contour') && window.essorMap.queryRenderedFeatures({layers: ['territoire-contour']}).length > 0",
            "the territory map",
        )
        .await;
    c.execute(
        "document.getElementById('carte-territoire').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete' && window.essorMap.loaded()",
            "the map after scrolling",
        )
        .await;
    let png = browser.screenshot("territoire-qp093028-carte.png").await;
    let (colours, red, _) = colours_in(&browser, &png, "mini-carte").await;
    assert!(colours > 20, "only {colours} colours on the map");
    assert!(red > 500, "only {red} QPV-red pixels");
    // Its actors are on the map (tiles filtered on the QPV).
    browser
        .wait_until(
            "window.essorMap.queryRenderedFeatures({layers: ['acteurs-point', 'acteurs-amas']}).length > 0",
            "the QPV's actors",
        )
        .await;
    browser
        .full_page_screenshot("territoire-qp093028.png")
        .await;
    // The pack downloads as a file.
    c.find(Locator::Css("#telechargements a[href$='/dossier']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = browser.downloads().join("diagnostic-qpv-QP093028.html");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !file.exists() {
        assert!(
            Instant::now() < deadline,
            "no download in {}",
            browser.downloads().display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains(
        "<h1>Diagnostic de l'ESS — Franc Moisin - Cosmonautes - Cristino Garcia - Landy (QPV)</h1>"
    ));
    assert!(html.contains("ASSOCIATION FICTIVE DU CENTRE SOCIAL DES TILLEULS"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_epci_page_maps_its_communes_and_qpv_and_tables_them() {
    let app = TestApp::fixtures().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    let path = "/territoires/epci/200054781";
    // The rows the server sends, to compare with the rows the browser shows.
    let (_, html) = app.text(path).await;
    let table = &html[html.find("id=\"table-qpv\"").expect("a QPV table")..];
    let sent = table[..table.find("</tbody>").unwrap()]
        .matches("<tr>")
        .count()
        - 1;
    assert!(sent > 30, "the QPV of the Métropole du Grand Paris: {sent}");
    browser.open(&app.url(path)).await;
    let rows = c
        .execute(
            "return document.querySelectorAll('#table-qpv tbody tr').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        rows.as_u64(),
        Some(sent as u64),
        "every QPV row the server sent is in the page"
    );
    c.execute(
        "document.getElementById('carte-territoire').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete' && window.essorMap.queryRenderedFeatures({layers: ['territoire-contour']}).length > 0 && window.essorMap.queryRenderedFeatures({layers: ['territoire-qpv']}).length > 0",
            "the EPCI's communes and QPV",
        )
        .await;
    let png = browser
        .screenshot("territoire-epci-200054781-carte.png")
        .await;
    let (colours, red, _) = colours_in(&browser, &png, "mini-carte").await;
    assert!(
        colours > 20 && red > 200,
        "{colours} colours, {red} red pixels"
    );
    browser
        .full_page_screenshot("territoire-epci-200054781.png")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actor_page_shows_its_figures_and_its_mini_map() {
    let app = TestApp::fixtures().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser
        .open(&app.url(&format!("/acteurs/{TILLEULS_SIRET}")))
        .await;
    let name = c
        .find(Locator::Id("nom-acteur"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name, "ASSOCIATION FICTIVE DU CENTRE SOCIAL DES TILLEULS");
    let situation = c
        .find(Locator::Id("situation"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        situation.starts_with("Dans le quartier prioritaire Franc Moisin"),
        "{situation}"
    );
    let activity = c
        .find(Locator::Id("activite"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(activity.contains("20 à 49 salariés"), "{activity}");
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete' && window.essorMap.queryRenderedFeatures({layers: ['acteur-point']}).length > 0",
            "the actor on its mini map",
        )
        .await;
    let png = browser.screenshot("acteur-tilleuls.png").await;
    let (colours, red, green) = colours_in(&browser, &png, "mini-carte").await;
    assert!(colours > 20, "only {colours} colours on the mini map");
    assert!(red > 500, "only {red} QPV-red pixels");
    assert!(green > 50, "only {green} pixels of the actor's green point");
    browser
        .full_page_screenshot("acteur-tilleuls-page.png")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_methodology_page_opens_on_the_rule_a_figure_links_to() {
    let app = TestApp::fixtures().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/territoires/commune/93066")).await;
    c.find(Locator::Css(
        "#chiffres a[href='/methodologie#emplois-estimes']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    browser
        .wait_until("location.pathname === '/methodologie'", "the méthodologie")
        .await;
    let rule = c
        .find(Locator::Id("emplois-estimes"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        rule.starts_with("Emplois estimés : centre de la tranche"),
        "{rule}"
    );
    let visible = c
        .execute("const r = document.getElementById('emplois-estimes').getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight;", vec![])
        .await
        .unwrap();
    assert_eq!(visible, serde_json::Value::Bool(true));
    browser.full_page_screenshot("methodologie.png").await;
    browser.close().await;
}

/// Checks run in the page: one h1, headings without skipped levels, landmarks, captions and
/// header scopes on every table, a text alternative on every image and chart, a name on
/// every link and control, unique ids. Returns the problems found, in French.
pub const ACCESSIBILITY_CHECKS: &str = r##"
const problems = [];
const h1 = document.querySelectorAll('h1');
if (h1.length !== 1) problems.push(`${h1.length} titres h1`);
let previous = 0;
for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')) {
  const level = Number(h.tagName[1]);
  if (previous && level > previous + 1) problems.push(`titre ${h.tagName} après h${previous} : « ${h.textContent.trim()} »`);
  previous = level;
}
for (const sel of ['header[role=banner]', 'main', 'footer[role=contentinfo]', 'nav[aria-label]', '.fr-skiplinks a[href="#contenu"]']) {
  if (!document.querySelector(sel)) problems.push(`repère absent : ${sel}`);
}
for (const t of document.querySelectorAll('table')) {
  if (!t.caption || !t.caption.textContent.trim()) problems.push('tableau sans légende');
  for (const th of t.querySelectorAll('th')) {
    if (!th.getAttribute('scope')) problems.push(`en-tête sans portée : « ${th.textContent.trim()} »`);
  }
}
for (const svg of document.querySelectorAll('svg[role=img]')) {
  const ids = (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
  const text = ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  if (!text) problems.push('graphique sans alternative textuelle');
}
for (const img of document.querySelectorAll('img')) {
  if (!img.hasAttribute('alt')) problems.push(`image sans alt : ${img.src}`);
}
for (const a of document.querySelectorAll('a[href]')) {
  const name = (a.textContent + ' ' + (a.getAttribute('aria-label') || '') + ' ' + (a.getAttribute('title') || '')).trim();
  if (!name) problems.push(`lien sans intitulé : ${a.getAttribute('href')}`);
}
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden') continue;
  if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push(`champ sans étiquette : ${el.name || el.id}`);
}
const seen = new Set();
for (const el of document.querySelectorAll('[id]')) {
  if (seen.has(el.id)) problems.push(`identifiant en double : ${el.id}`);
  seen.add(el.id);
}
if (document.documentElement.lang !== 'fr') problems.push('langue de la page absente');
return problems;
"##;

#[tokio::test(flavor = "multi_thread")]
async fn the_pages_pass_the_basic_accessibility_checks() {
    let app = TestApp::fixtures().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    let mut failures = Vec::new();
    for path in [
        "/".to_owned(),
        "/carte".to_owned(),
        "/territoires?q=saint-denis".to_owned(),
        "/territoires/commune/Saint-Denis".to_owned(),
        "/annuaire?q=fictive".to_owned(),
        "/territoires/qpv/QP093028".to_owned(),
        "/territoires/commune/93066".to_owned(),
        "/territoires/epci/200054781".to_owned(),
        "/territoires/departement/93".to_owned(),
        "/territoires/region/11".to_owned(),
        "/territoires/france/FR".to_owned(),
        "/territoires/qpv_total/QPV".to_owned(),
        format!("/acteurs/{TILLEULS_SIRET}"),
        "/acteurs/99900099900099".to_owned(),
        "/methodologie".to_owned(),
        "/api/docs".to_owned(),
    ] {
        browser.open(&app.url(&path)).await;
        let problems = c.execute(ACCESSIBILITY_CHECKS, vec![]).await.unwrap();
        for p in problems.as_array().unwrap() {
            failures.push(format!("{path} : {}", p.as_str().unwrap()));
        }
    }
    browser.open(&app.url("/territoires/france/FR")).await;
    browser.full_page_screenshot("territoire-france.png").await;
    // A narrow screen: the territory page still reads (tables scroll inside themselves).
    c.set_window_size(400, 900).await.unwrap();
    browser.open(&app.url("/territoires/qpv/QP093028")).await;
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("territoire-qp093028-mobile.png").await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "the page is wider than a phone: {overflow} px"
    );
    browser.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn directory_facets_over_the_sqlite_store_narrow_the_selection_and_keep_their_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _store) = TestApp::fixtures_sqlite(dir.path()).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/annuaire?q=fictives")).await;
    let total = |text: String| -> u64 {
        text.split(' ')
            .next()
            .unwrap()
            .replace(['\u{202F}', '\u{a0}'], "")
            .parse()
            .unwrap()
    };
    let before = total(
        c.find(Locator::Id("resultats-total"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(before > 10, "{before}");
    // The cooperative box says how many there are before it is ticked.
    let label = c
        .find(Locator::Css("label[for='family-cooperative']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let announced: u64 = label
        .rsplit('(')
        .next()
        .unwrap()
        .trim_end_matches(')')
        .parse()
        .unwrap();
    c.find(Locator::Css("label[for='family-cooperative']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#recherche button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            // The box is ticked on the page being left too: wait for the answer's page.
            "location.search.includes('family=cooperative') && document.readyState === 'complete' && document.getElementById('pied') && document.getElementById('family-cooperative').checked",
            "the page with the box ticked",
        )
        .await;
    let after = total(
        c.find(Locator::Id("resultats-total"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        after, announced,
        "the count announced is the count obtained"
    );
    assert!(after < before);
    let url = c.current_url().await.unwrap();
    assert!(url.as_str().contains("family=cooperative"), "{url}");
    browser.screenshot("annuaire-facettes.png").await;

    // The map's sector filter reaches the count through the same store.
    browser
        .open(&app.url("/carte?secteur=sante#carte=5/46.6/2.6"))
        .await;
    browser
        .wait_until(
            "document.getElementById('secteur').value === 'sante' && /^\\d+ acteur/.test(document.getElementById('compte-acteurs').textContent)",
            "the count with the sector filter",
        )
        .await;
    browser.close().await;
}

/// Issue 12: axe-core's WCAG 2.1 A/AA rules find nothing on any page type, on a desktop and
/// on a 390 px phone, and no page scrolls sideways on the phone (a table's screen-reader words
/// once widened commune and EPCI pages to 1,200 px).
#[tokio::test(flavor = "multi_thread")]
async fn every_page_type_passes_axe_core_and_fits_a_phone() {
    let app = TestApp::demo().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    let mut failures = Vec::new();
    for width in [1280, 390] {
        c.set_window_size(width, 900).await.unwrap();
        for path in [
            "/",
            "/territoires?q=rennes",
            "/carte",
            "/annuaire?q=fictive",
            "/territoires/qpv/QP093028",
            "/territoires/commune/93066",
            "/territoires/epci/200054781",
            "/territoires/france/FR",
            "/methodologie",
            "/orientation",
            "/dispositifs",
            "/api/docs",
        ] {
            browser.open(&app.url(path)).await;
            for v in browser.axe_violations().await {
                failures.push(format!("{width} px {path} : {v}"));
            }
            let overflow = c
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                    vec![],
                )
                .await
                .unwrap()
                .as_i64()
                .unwrap();
            if overflow > 0 {
                failures.push(format!(
                    "{width} px {path} : {overflow} px de trop en largeur"
                ));
            }
            // Chart text stays readable (it shrank to about 5 px on a phone).
            let smallest = c
                .execute(
                    "const h = [...document.querySelectorAll('.essor-graphique__svg text')].map(t => t.getBoundingClientRect().height).filter(h => h > 0); return h.length ? Math.min(...h) : null;",
                    vec![],
                )
                .await
                .unwrap();
            if let Some(h) = smallest.as_f64()
                && h < 8.0
            {
                failures.push(format!(
                    "{width} px {path} : texte des graphiques de {h:.1} px"
                ));
            }
        }
    }
    browser.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue 12, point 2: on a phone the map comes before its filters; the keyboard focus on the
/// map is visible (MapLibre focuses its canvas, not the container the outline was on);
/// without JavaScript the map page says where the same information is.
#[tokio::test(flavor = "multi_thread")]
async fn an_old_link_to_a_map_view_on_the_home_address_opens_that_view_on_the_map_page() {
    // Issue 12: the home page took « / », where the map and its `#carte=` views lived.
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    c.goto(&app.url("/?famille=cooperative#carte=12/48.936/2.36"))
        .await
        .unwrap();
    // The browser's own address (not a script, which a navigation in progress would cut).
    let deadline = Instant::now() + Duration::from_secs(40);
    let url = loop {
        let url = c.current_url().await.unwrap();
        if url.path() == "/carte" {
            break url;
        }
        assert!(Instant::now() < deadline, "still on {url}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(url.query(), Some("famille=cooperative"));
    assert_eq!(url.fragment(), Some("carte=12/48.936/2.36"));
    // The home page itself stays the home page.
    browser.open(&app.url("/")).await;
    let path = browser
        .client()
        .execute("return window.location.pathname;", vec![])
        .await
        .unwrap();
    assert_eq!(path, serde_json::json!("/"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_comes_first_on_a_phone_shows_its_keyboard_focus_and_has_a_no_javascript_path() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    c.set_window_size(390, 900).await.unwrap();
    browser.open(&app.url("/carte")).await;
    browser
        .wait_until("document.body.dataset.carte === 'prete'", "the map")
        .await;
    let first = c
        .execute(
            "return document.getElementById('carte').getBoundingClientRect().top < document.getElementById('filtres').getBoundingClientRect().top;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(first, serde_json::json!(true), "the map above the filters");
    c.set_window_size(1280, 1000).await.unwrap();
    let tab = char::from(fantoccini::key::Key::Tab).to_string();
    let mut on_canvas = false;
    for _ in 0..80 {
        c.active_element()
            .await
            .unwrap()
            .send_keys(&tab)
            .await
            .unwrap();
        let focused = c
            .execute(
                "return document.activeElement.classList.contains('maplibregl-canvas');",
                vec![],
            )
            .await
            .unwrap();
        if focused == serde_json::json!(true) {
            on_canvas = true;
            break;
        }
    }
    assert!(on_canvas, "the canvas is reached with Tab");
    let outline = c
        .execute(
            "const s = getComputedStyle(document.activeElement); return [document.activeElement.matches(':focus-visible'), s.outlineStyle, s.outlineWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outline, serde_json::json!([true, "solid", "3px"]));
    browser.screenshot("carte-focus-clavier.png").await;
    browser.close().await;

    let Some(browser) = Browser::start_without_javascript().await else {
        return;
    };
    browser.open(&app.url("/carte")).await;
    browser
        .client()
        .find(Locator::Css(
            "#carte-sans-javascript a[href='/territoires']",
        ))
        .await
        .expect("the no-JavaScript paths");
    browser.close().await;
}

/// Issue 12, point 2: at national zoom the groups of actors said nothing of their size and
/// hid the QPV; each now shows its count, and groups are drawn under the QPV.
#[tokio::test(flavor = "multi_thread")]
async fn groups_of_actors_show_their_counts_and_lie_under_the_qpv() {
    let app = TestApp::fixtures().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/carte#carte=5/46.6/2.6")).await;
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete' && document.querySelectorAll('.essor-amas-compte').length > 0",
            "the groups' counts",
        )
        .await;
    let labels = c
        .execute(
            "return [...document.querySelectorAll('.essor-amas-compte')].map(e => [Number(e.dataset.count), e.textContent, e.getAttribute('aria-hidden')]);",
            vec![],
        )
        .await
        .unwrap();
    let labels = labels.as_array().unwrap();
    assert!(labels.len() >= 3, "{labels:?}");
    for l in labels {
        let n = l[0].as_u64().unwrap();
        assert!(n > 1, "{l}");
        assert_eq!(
            l[1].as_str().unwrap().replace('\u{202f}', ""),
            n.to_string()
        );
        assert_eq!(l[2], "true");
    }
    let under = c
        .execute(
            "const ids = window.essorMap.getStyle().layers.map(l => l.id); return ids.indexOf('acteurs-amas') < ids.indexOf('qpv-fill');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(under, serde_json::json!(true));
    browser.screenshot("carte-amas-comptes.png").await;
    browser.close().await;
}

/// Issue 12, point 2: the map had no place name at any zoom. Régions at national zoom, a
/// city's name at city zoom, a QPV's name up close.
#[tokio::test(flavor = "multi_thread")]
async fn the_map_names_regions_then_communes_then_qpv_as_one_zooms_in() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/carte#carte=5/46.6/2.6")).await;
    browser
        .wait_until(
            "document.body.dataset.carte === 'prete' && document.querySelector('[data-lieu=\"region:53\"]')",
            "Bretagne named at national zoom",
        )
        .await;
    browser.screenshot("carte-noms-france.png").await;
    c.execute(
        "window.essorMap.jumpTo({center: [-1.68, 48.11], zoom: 11.5});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .wait_until(
            "document.querySelector('[data-lieu=\"commune:35238\"]') && !document.querySelector('[data-lieu=\"region:53\"]')",
            "Rennes named at city zoom, the région no more",
        )
        .await;
    browser.screenshot("carte-noms-rennes.png").await;
    c.execute(
        "window.essorMap.jumpTo({center: [2.3815, 48.9177], zoom: 15});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .wait_until(
            "document.querySelector('[data-lieu=\"qpv:QP093028\"]')",
            "QP093028 named up close",
        )
        .await;
    browser.close().await;
}

/// Issue 15: the pages of a signed-in member — signing in through the real form, the account,
/// the API tokens, the organisation, its audit log and the referrals it receives — pass
/// axe-core's WCAG 2.1 A/AA rules on a desktop and on a phone, and fit the phone's width.
#[tokio::test(flavor = "multi_thread")]
async fn a_members_pages_pass_axe_core_after_signing_in_through_the_form() {
    use essor_model::{OrganisationKind, Role};
    use essor_store::registry::{
        Channel, NewAccount, NewOrganisation, NewReferral, Principal, Registry,
    };
    let dir = tempfile::tempdir().unwrap();
    {
        let registry = Registry::open_in(dir.path()).await.unwrap();
        let system = Principal::system("test");
        let org = registry
            .create_organisation(
                NewOrganisation {
                    kind: OrganisationKind::StructureAccompagnement,
                    name: "Pôle coopératif de Rennes".into(),
                    siret: None,
                    territories: vec![essor_model::TerritoryRef::new(
                        essor_model::TerritoryLevel::Commune,
                        "35238",
                    )],
                },
                &system,
                Channel::Task,
            )
            .await
            .unwrap();
        let account = registry
            .create_account(
                NewAccount {
                    email: "camille@pole.fr".into(),
                    display_name: "Camille Dupont".into(),
                    password: "cerf-volant hibou grenadine 42".into(),
                },
                &system,
                Channel::Task,
            )
            .await
            .unwrap();
        for role in [Role::Admin, Role::Operator] {
            registry
                .grant_role(account.id, org.id, role, &system, Channel::Task)
                .await
                .unwrap();
        }
        registry
            .link_operator(org.id, "fabrique-cooperative", &system, Channel::Task)
            .await
            .unwrap();
        registry
            .create_referral(
                NewReferral {
                    scheme_id: "cjs".into(),
                    scheme_name: "Coopérative jeunesse de services".into(),
                    operator_id: "fabrique-cooperative".into(),
                    operator_name: "La Fabrique coopérative".into(),
                    catalogue_version: "test".into(),
                    person: "Collectif jeunesse Maurepas".into(),
                    contact: "06 00 00 00 00".into(),
                    consent: true,
                    referrer: "Réso solidaire".into(),
                    profile_json: "{}".into(),
                    eligibility: "eligible".into(),
                },
                &Principal::Anonymous,
                Channel::Page,
            )
            .await
            .unwrap();
        registry.close().await;
    }
    let app = TestApp::with_registry(dir.path()).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser.open(&app.url("/compte")).await;
    browser.type_into("email", "camille@pole.fr").await;
    browser
        .type_into("password", "cerf-volant hibou grenadine 42")
        .await;
    browser
        .click("#formulaire-connexion button[type=submit]")
        .await;
    browser
        .wait_until(
            "document.location.pathname === '/compte' && document.getElementById('pied')",
            "the account page after signing in",
        )
        .await;
    let c = browser.client();
    let mut failures = Vec::new();
    for width in [1280, 390] {
        c.set_window_size(width, 900).await.unwrap();
        for path in [
            "/compte",
            "/compte/jetons",
            "/organisations/1",
            "/organisations/1/journal",
            "/organisations/1/mises-en-relation",
            "/donnees-personnelles",
        ] {
            browser.open(&app.url(path)).await;
            let url = c.current_url().await.unwrap();
            assert_eq!(url.path(), path, "signed in, {path} opens");
            for v in browser.axe_violations().await {
                failures.push(format!("{width} px {path} : {v}"));
            }
            let overflow = c
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                    vec![],
                )
                .await
                .unwrap()
                .as_i64()
                .unwrap();
            if overflow > 0 {
                failures.push(format!(
                    "{width} px {path} : {overflow} px de trop en largeur"
                ));
            }
        }
    }
    browser.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
