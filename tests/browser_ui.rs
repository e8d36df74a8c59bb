#![cfg(target_arch = "wasm32")]
//! The page in a real browser: the playground mounts, shows the cluster the
//! engine computes, follows the page contract, and user actions change the simulation.

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn all(selector: &str) -> Vec<Element> {
    let list = doc().query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

fn one(selector: &str) -> Option<Element> {
    doc().query_selector(selector).unwrap()
}

fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().expect("an HTML or SVG element").click();
}

fn click_svg(el: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

async fn sleep(ms: u64) {
    let ms = Duration::from_millis(ms).as_millis() as i32;
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
}

fn button(name: &str) -> Option<Element> {
    all("button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().trim() == name || b.get_attribute("aria-label").as_deref() == Some(name))
}

#[wasm_bindgen_test]
async fn the_page_runs_the_engine_and_reacts_to_the_user() {
    // Seed 3, real-time speed, via the URL as a visitor would.
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?seed=3&speed=1"))
        .unwrap();
    let app = doc().create_element("div").unwrap();
    app.set_id("app");
    doc().body().unwrap().append_child(&app).unwrap();
    raft_playground::ui::start();
    sleep(100).await;

    // Five nodes following the page contract, and a clock.
    let nodes = all("[data-node-id][data-role]");
    assert_eq!(nodes.len(), 5);
    for n in &nodes {
        assert!(n.get_attribute("data-term").is_some());
        // The node's button (a disc over the drawing) says what the drawing shows.
        let button = n.query_selector("[role=\"button\"]").unwrap().expect("a button");
        assert!(button.get_attribute("aria-label").unwrap().starts_with("Node "));
    }
    assert!(one("[data-sim-time]").is_some());
    assert_eq!(all("[data-invariant]").len(), 12);
    assert!(all("[data-invariant]").iter().all(|i| i.get_attribute("data-ok").as_deref() == Some("true")));

    // Time runs, and the engine elects a leader.
    let mut leader = None;
    for _ in 0..60 {
        sleep(100).await;
        leader = one("[data-node-id][data-role=\"leader\"]");
        if leader.is_some() {
            break;
        }
    }
    let leader = leader.expect("a leader within 6 s of real time at speed 1");
    let id = leader.get_attribute("data-node-id").unwrap();
    let t: u64 = one("[data-sim-time]").unwrap().get_attribute("data-sim-time").unwrap().parse().unwrap();
    assert!(t > 100, "virtual time advanced: {t} ms");
    let mut entries = 0;
    for _ in 0..20 {
        entries = all("[data-log-entry]").len();
        if entries > 0 {
            break;
        }
        sleep(100).await;
    }
    assert!(entries > 0, "the leader's no-op shows in the logs");

    // Pause: time stands still.
    click(&button("Pause").expect("a Pause button"));
    sleep(50).await;
    let t1 = one("[data-sim-time]").unwrap().get_attribute("data-sim-time").unwrap();
    sleep(300).await;
    assert_eq!(one("[data-sim-time]").unwrap().get_attribute("data-sim-time").unwrap(), t1, "paused");
    assert!(button("Play").is_some());

    // Select the leader, crash it from the inspector.
    click_svg(&leader);
    sleep(50).await;
    let crash = button(&format!("Crash node {id}")).expect("the inspector offers to crash the node");
    click(&crash);
    sleep(50).await;
    let crashed = one(&format!("[data-node-id=\"{id}\"][data-role]")).unwrap();
    assert_eq!(crashed.get_attribute("data-role").as_deref(), Some("crashed"));
    assert!(button(&format!("Restart node {id}")).is_some());

    // Step: one event at a time moves the clock forward.
    click(&button("Step").unwrap());
    sleep(50).await;
    let t2: u64 = one("[data-sim-time]").unwrap().get_attribute("data-sim-time").unwrap().parse().unwrap();
    assert!(t2 >= t1.parse::<u64>().unwrap());

    // The help overlay opens and closes.
    click(&button("Help").unwrap());
    sleep(50).await;
    assert!(one("[role=\"dialog\"]").is_some());
    click(&one("[role=\"dialog\"] button.primary").expect("the dialog's Close button"));
    sleep(50).await;
    assert!(one("[role=\"dialog\"]").is_none());
}
