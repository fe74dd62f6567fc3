//! tco-core
