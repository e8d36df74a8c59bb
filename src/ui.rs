//! The browser page (Yew). Built only for wasm32.

use yew::prelude::*;

use crate::sim::{Settings, TraceMode, World};

#[function_component]
fn App() -> Html {
    let world = use_mut_ref(|| World::new(Settings::default(), TraceMode::Off).expect("default settings are valid"));
    let tick = use_state(|| 0u32);
    {
        let world = world.clone();
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = gloo::timers::callback::Interval::new(50, move || {
                let now = world.borrow().now();
                world.borrow_mut().run_until(now + 2_500);
                tick.set(*tick + 1);
            });
            move || drop(interval)
        });
    }
    let w = world.borrow();
    html! {
        <main data-sim-time={(w.now() / 1000).to_string()}>
            <h1>{"Raft Playground"}</h1>
            <ul>
            { for w.machine_ids().into_iter().map(|id| {
                let n = w.node(0, id);
                let role = n.map_or("crashed", |n| n.role().name());
                let term = n.map_or(0, |n| n.term());
                html!{ <li data-node-id={id.to_string()} data-role={role} data-term={term.to_string()}>{format!("node {id}: {role}, term {term}")}</li> }
            }) }
            </ul>
        </main>
    }
}

pub fn start() {
    if let Some(root) = gloo::utils::document().get_element_by_id("app") {
        yew::Renderer::<App>::with_root(root).render();
    }
}
