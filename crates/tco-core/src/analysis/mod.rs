//! Stage 3: answers built from the model.
//!
//! [`report`] (every figure `tco report` prints), [`sweep`] (costs over a
//! volume range, and a whole price table at one volume), [`finance`] (NPV and
//! discounted payback), [`hybrid`] (the cheapest local/API split), [`sim`]
//! (Monte Carlo) and [`sensitivity`] (tornados).

pub mod finance;
pub mod hybrid;
pub mod report;
pub mod sensitivity;
pub mod sim;
pub mod sweep;
