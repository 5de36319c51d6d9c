//! Plugin contracts of Python tool and plugin hosts, which load modules by convention and
//! fail at load or call time when the convention is broken:
//! - `tool-info-unknown-function`: `get_tool_info()` lists a function the module lacks;
//! - `plugin-manifest-mismatch`: a `plugin.json` names an entry file or class that does
//!   not exist (checked on the manifest itself, see [`manifest_findings`]);
//! - `plugin-interface-incomplete`: an `IPlugin` subclass lacks lifecycle methods;
//! - `plugin-factory-missing`: a plugin entry module has no `create_plugin()`.
//!
//! ```python
//! def get_tool_info():
//!     return {"name": "astro", "functions": ["altitude", "azimuth"]}   # no `azimuth`
//!
//! class WeatherPlugin(IPlugin):          # no `activate`: plugin-interface-incomplete
//!     def name(self): return "weather"
//! ```
//!
//! Manifests are JSON files named `plugin.json` that the workspace loads beside the Python
//! files; the analysis never parses them as Python.

mod interface;
mod manifest;
mod tool_info;

use crate::rules::Check;

pub(crate) use manifest::{is_manifest_path, manifest_findings};

pub(crate) const TOOL_INFO_CHECK: Check = tool_info::CHECK;
pub(crate) const INTERFACE_CHECK: Check = interface::CHECK;
pub(crate) const MANIFEST_CHECK: Check = manifest::CHECK;

#[cfg(test)]
mod tests;
