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

/// Waits for an element as long as a loaded machine may need: pages here
/// render in milliseconds, but a CI box running the whole suite on two
/// cores can take seconds to answer.
async fn wait_for(c: &fantoccini::Client, what: Locator<'_>) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(90))
        .for_element(what)
        .await
        .unwrap_or_else(|e| panic!("waiting for {what:?}: {e}"))
}

/// Signs in on the login page the browser was sent to.
async fn sign_in_as(c: &fantoccini::Client, user: &str) {
    wait_for(c, Locator::Css("#username")).await;
    fill(c, "#username", user).await;
    fill(c, "#password", "bianli-demo").await;
    click(c, "form[action='/login'] button[type=submit]").await;
}

/// As another person: the session cookie goes, and the page asks to sign in.
async fn switch_to(c: &fantoccini::Client, url: &str, user: &str) {
    c.delete_all_cookies().await.expect("sign out");
    c.goto(url).await.expect("a page behind sign-in");
    sign_in_as(c, user).await;
}

/// Presses the button of the case page's form for `action`, first typing
/// `text` into its text box when it has one.
async fn act_on_case(c: &fantoccini::Client, action: &str, text: Option<&str>) {
    let form = format!("//form[input[@name='action' and @value='{action}']]");
    wait_for(c, Locator::XPath(&form)).await;
    if let Some(text) = text {
        c.find(Locator::XPath(&format!("{form}//textarea")))
            .await
            .expect("the action's text box")
            .send_keys(text)
            .await
            .expect("type");
    }
    c.find(Locator::XPath(&format!("{form}//button")))
        .await
        .expect("the action's button")
        .click()
        .await
        .expect("press");
}

/// Small but real material files, as a scanner or a phone would give them.
fn material_files(dir: &std::path::Path) -> (String, String) {
    std::fs::create_dir_all(dir).expect("a scratch folder");
    let pdf = dir.join("营业执照.pdf");
    std::fs::write(&pdf, crate::cases::pdf("营业执照")).expect("write the PDF");
    let png = dir.join("场所照片.png");
    image::GrayImage::from_pixel(32, 32, image::Luma([200u8]))
        .save(&png)
        .expect("write the PNG");
    (pdf.display().to_string(), png.display().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_applies_online_and_verifies_the_licence() {
    let t = spawn_app(Db::Sqlite).await;
    crate::cases::at(&t, "2026-11-02");
    let item = crate::cases::food_licence(&t).await;
    let code = item["code"].as_str().expect("code").to_string();
    let materials = item["materials"].as_array().expect("materials").len();
    let dir = std::env::temp_dir().join(format!("bianli-browser-files-{}", free_port()));
    let (pdf, png) = material_files(&dir);
    let (c, _driver) = browser().await;

    // The guide's 在线申办 asks to sign in, then comes back to the wizard.
    c.goto(&format!("{}/items/{code}", t.url))
        .await
        .expect("the guide");
    wait_for(&c, Locator::Css("a[href^='/cases/new?item=']"))
        .await
        .click()
        .await
        .expect("open the wizard");
    sign_in_as(&c, "citizen").await;
    wait_for(&c, Locator::Css("#f-phone")).await;
    fill(&c, "#f-phone", "13800138000").await;
    fill(&c, "#f-address", "长沙市芙蓉区五一大道1号").await;
    // The licence's own form: where, what kind of business, what it sells.
    fill(&c, "#f-form-premises", "长沙市芙蓉区五一大道1号一楼").await;
    click(
        &c,
        "input[name='form.business_type'][value='餐饮服务经营者']",
    )
    .await;
    click(&c, "input[name='form.scope'][value='热食类食品制售']").await;
    click(&c, "input[name='form.scope'][value='自制饮品制售']").await;
    for i in 0..materials {
        // Several files go into one input as lines.
        let paths = if i == 0 {
            format!("{pdf}\n{png}")
        } else {
            pdf.clone()
        };
        fill(&c, &format!("#f-m{i}"), &paths).await;
    }
    save_screenshot(&c, "apply.png").await;
    click(&c, "form[action='/cases'] button[type=submit]").await;
    let number = wait_for(&c, Locator::Css("#receipt-number"))
        .await
        .text()
        .await
        .expect("the case number");
    let vcode = c
        .find(Locator::Css("#receipt-code"))
        .await
        .expect("the verification code")
        .text()
        .await
        .expect("its text");
    assert!(number.starts_with("430100-20261102-"), "{number}");
    assert_eq!(vcode.len(), 8, "{vcode}");
    save_screenshot(&c, "receipt.png").await;
    let _ = std::fs::remove_dir_all(&dir);

    // The window accepts from its desk.
    switch_to(&c, &format!("{}/cases", t.url), "clerk").await;
    wait_for(&c, Locator::Css(&format!("a[href='/cases/{number}']")))
        .await
        .click()
        .await
        .expect("open the case");
    save_screenshot(&c, "case-desk.png").await;
    act_on_case(&c, "accept", None).await;
    wait_for(
        &c,
        Locator::XPath("//dd[starts-with(normalize-space(.), '办理中')]"),
    )
    .await;

    // The reviewer passes it, the approver approves, the window delivers.
    let case_url = format!("{}/cases/{number}", t.url);
    switch_to(&c, &case_url, "reviewer").await;
    act_on_case(&c, "pass", Some("材料齐全，现场核查合格")).await;
    wait_for(
        &c,
        Locator::XPath("//ol[@class='timeline']/li[contains(., '审查通过')]"),
    )
    .await;
    switch_to(&c, &case_url, "approver").await;
    act_on_case(&c, "approve", Some("准予许可")).await;
    wait_for(
        &c,
        Locator::XPath("//dd[starts-with(normalize-space(.), '已决定')]"),
    )
    .await;
    switch_to(&c, &case_url, "clerk").await;
    act_on_case(&c, "deliver", None).await;
    wait_for(
        &c,
        Locator::XPath("//dd[starts-with(normalize-space(.), '已办结')]"),
    )
    .await;

    // The citizen opens the case, rates it, and takes the licence.
    switch_to(&c, &case_url, "citizen").await;
    let licence = wait_for(&c, Locator::Css("#licence-pdf"))
        .await
        .attr("href")
        .await
        .expect("the link")
        .expect("an href");
    click(&c, "input[name=score][value='5']").await;
    click(&c, "form[action$='/rating'] button[type=submit]").await;
    wait_for(&c, Locator::XPath("//section//p[contains(., '已评价')]")).await;
    save_screenshot(&c, "case.png").await;
    let (text, url) = crate::papers::read_pdf(&t, &licence).await;
    assert!(text.contains("食品经营许可证"), "{text}");
    // It prints what the form marks for the licence, as the applicant wrote it.
    for printed in [
        "经营场所",
        "五一大道1号一楼",
        "餐饮服务经营者",
        "热食类食品制售、自制饮品制售",
    ] {
        assert!(
            text.contains(printed),
            "the licence lacks {printed}: {text}"
        );
    }
    let cert = licence
        .strip_prefix("/certificates/")
        .and_then(|s| s.strip_suffix("/pdf"))
        .expect("/certificates/{number}/pdf");
    assert_eq!(url, format!("{}/certificates/{cert}", t.url));

    // What the QR code opens says the licence is valid.
    c.goto(&url).await.expect("the verification page");
    wait_for(&c, Locator::Css("strong.validity-valid")).await;
    let page = c.source().await.expect("page");
    assert!(page.contains("有效") && page.contains(cert), "{page}");
    assert!(page.contains("热食类食品制售、自制饮品制售"), "{page}");
    save_screenshot(&c, "certificate.png").await;
    c.close().await.expect("close");
}
