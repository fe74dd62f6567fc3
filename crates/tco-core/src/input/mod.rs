//! Stage 1 of the pipeline: text in, checked model values out.
//!
//! [`yaml`] reads YAML into a tree that remembers where every value came
//! from; [`read`] turns tree nodes into checked values with located errors;
//! [`scenario`], [`pricing`] and [`calibration`] read the three file formats
//! ([`calibration_schema`] is the calibration file's serde types, shared with
//! its writers);
//! [`load_curve`] reads measured load levels and latency targets;
//! [`distributions`] handles `{dist: …}` inputs; [`limits`] states how much
//! any one input may hold; [`bundled`] holds the files
//! shipped inside the binary.

pub mod bundled;
pub mod calibration;
pub mod calibration_schema;
pub mod distributions;
pub mod genai;
pub mod limits;
pub mod load_curve;
pub mod number_form;
pub mod pricing;
pub mod read;
pub mod scenario;
pub mod tariff;
pub mod yaml;
