//! A person's first visit, in headless Chromium (Debian's chromium and
//! chromedriver, which the README's test command installs).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{Db, spawn_app};

/// Ends chromedriver however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn browser() -> (fantoccini::Client, Driver) {
    let driver_bin =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let port = free_port();
    let child = Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{driver_bin} could not start ({e}): run the README's test command, which installs chromium and chromium-driver"));
    let driver = Driver(child);
    let profile = std::env::temp_dir().join(format!("bianli-chromium-{port}"));
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900", format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("a literal object"),
    };
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let mut b = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        if let Ok(c) = b.capabilities(caps.clone()).connect(&url).await {
            return (c, driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer at {url}");
}

async fn save_screenshot(c: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("BIANLI_SCREENSHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(std::path::Path::new(&dir).join(name), png).expect("write screenshot");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_finds_what_to_bring_to_open_a_restaurant() {
    let t = spawn_app(Db::Sqlite).await;
    let (c, _driver) = browser().await;
    c.goto(&t.url).await.expect("home");
    save_screenshot(&c, "home.png").await;
    let q = c
        .find(Locator::Css("input[name=q]"))
        .await
        .expect("the 我要办 search box");
    q.send_keys("开饭店").await.expect("type");
    c.find(Locator::Css("form[role=search] button[type=submit]"))
        .await
        .expect("search button")
        .click()
        .await
        .expect("search");
    let link = c
        .wait()
        .for_element(Locator::LinkText("食品经营许可"))
        .await
        .expect("食品经营许可 among the results");
    link.click().await.expect("open the guide");
    c.wait()
        .for_element(Locator::XPath("//*[contains(text(), '申请材料')]"))
        .await
        .expect("the guide lists materials");
    let page = c.source().await.expect("page");
    for want in [
        "食品经营许可",
        "营业执照",
        "申请材料",
        "承诺",
        "20 个工作日",
        "《中华人民共和国食品安全法》",
    ] {
        assert!(page.contains(want), "the item guide lacks {want}");
    }
    save_screenshot(&c, "item.png").await;
    c.close().await.expect("close");
}

async fn fill(c: &fantoccini::Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .expect("type");
}

async fn click(c: &fantoccini::Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_admin_adds_a_new_item_by_decree() {
    let t = spawn_app(Db::Sqlite).await;
    let (c, _driver) = browser().await;
    c.goto(&format!("{}/admin/decrees/new", t.url))
        .await
        .expect("the draft form, by way of signing in");
    fill(&c, "#username", "deptadmin").await;
    fill(&c, "#password", "bianli-demo").await;
    click(&c, "form[action='/login'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("#f-number"))
        .await
        .expect("the draft form after signing in");
    fill(&c, "#f-number", "长政发〔2026〕9号").await;
    fill(&c, "#f-title", "长沙市关于新增一批政务服务事项的决定").await;
    click(&c, "form[action='/admin/decrees/new'] button[type=submit]").await;
    // The draft's page loads after the redirect; under load it can take a
    // moment, and typing before it arrives finds nothing.
    c.wait()
        .for_element(Locator::Css("#p-add-code"))
        .await
        .expect("the draft's page with its 新增 form");

    fill(&c, "#p-add-code", "430100-0199901").await;
    click(&c, "form[action$='/add'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("#f-promised_days"))
        .await
        .expect("the item form");
    save_screenshot(&c, "decree-add.png").await;
    fill(&c, "#f-name", "小餐饮店登记").await;
    fill(&c, "#f-statutory_days", "20").await;
    fill(&c, "#f-promised_days", "5").await;
    click(&c, "#ch-hall").await;
    click(&c, "#ch-web").await;
    fill(
        &c,
        "#f-legal_basis",
        "《湖南省食品小作坊小餐饮和食品摊贩管理条例》第十二条",
    )
    .await;
    fill(&c, "#f-m0_name", "营业执照").await;
    click(&c, "form[method=post][action$='/add'] button[type=submit]").await;

    c.wait()
        .for_element(Locator::XPath("//span[@class='tag' and text()='新增']"))
        .await
        .expect("the draft lists the 新增");
    save_screenshot(&c, "decree-draft.png").await;
    let page = c.source().await.expect("page");
    assert!(
        page.contains("小餐饮店登记"),
        "the draft names the new item"
    );
    click(&c, "button.danger").await;
    c.wait()
        .for_element(Locator::XPath("//*[contains(text(), '已施行')]"))
        .await
        .expect("the decree applied");
    c.goto(&format!("{}/items/430100-0199901", t.url))
        .await
        .expect("the new item's guide");
    let page = c.source().await.expect("page");
    assert!(page.contains("小餐饮店登记") && page.contains("营业执照"));
    c.close().await.expect("close");
}
