//! The page's model, free of any browser API so it is tested natively: the message catalog,
//! narration, what a frame shows, geometry and URL parameters. The page in `ui`
//! renders it; the JavaScript API returns it.

pub mod catalog;
pub mod controller;
pub mod errors;
pub mod frame;
pub mod geometry;
pub mod lesson;
pub mod library;
pub mod markup;
pub mod narrate;
pub mod params;
pub mod permalink;
pub mod safety;
pub mod story;
