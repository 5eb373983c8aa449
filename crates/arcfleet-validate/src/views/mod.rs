//! Views the rules share, derived once from the index: scale sets with their mode, controllers
//! and which of them manages each set, where Secrets come from, RBAC grants, the worker podspec
//! of a set, and what a namespace's pods cost its quota. Rules read these and the index, never
//! files, and never compute them again.

pub mod controller;
pub mod credentials;
pub mod hook;
pub(crate) mod quota;
pub(crate) mod rbac;
pub mod scale_set;

use crate::index::ObjectIndex;

pub use controller::{Controller, Management};
pub use scale_set::{Mode, ScaleSet};

/// The shared views of one input.
#[derive(Debug)]
pub struct Views<'a> {
    /// Every AutoscalingRunnerSet.
    pub scale_sets: Vec<ScaleSet<'a>>,
    /// Every ARC controller Deployment.
    pub controllers: Vec<Controller<'a>>,
    /// For each scale set (same order), the controllers that manage it.
    pub management: Vec<Management>,
}

impl<'a> Views<'a> {
    /// The views of `index`.
    pub fn build(index: &ObjectIndex<'a>) -> Self {
        let scale_sets: Vec<ScaleSet<'a>> = index
            .of_kind(arcfleet_arc::meta::SCALE_SET_KIND)
            .map(ScaleSet::of)
            .collect();
        let controllers: Vec<Controller<'a>> = index
            .of_kind("Deployment")
            .filter_map(Controller::of)
            .collect();
        let management = controller::join(index, &scale_sets, &controllers);
        Views {
            scale_sets,
            controllers,
            management,
        }
    }

    /// The controllers that manage scale set `i`.
    pub fn controllers_of(&self, i: usize) -> impl Iterator<Item = &Controller<'a>> + '_ {
        self.management
            .get(i)
            .into_iter()
            .flat_map(|m| m.controllers.iter())
            .filter_map(|&c| self.controllers.get(c))
    }
}

/// Whether a value is filled in when the manifest is applied, not before: a Flux
/// `${VAR}` substitution, a Helm or Go template `{{ ... }}`, a Terraform `%{ }`/`${ }`, or a
/// `valuesFrom` reference. Its text is not what the cluster will see, so rules do not judge it.
pub fn is_placeholder(text: &str) -> bool {
    (text.contains("${") && text.contains('}'))
        || (text.contains("{{") && text.contains("}}"))
        || text.contains("%{")
}
