//! Kubernetes semantics that both the generator and the validator need, kept in one place so the
//! two sides can never disagree: resource [`Quantity`] arithmetic, the pod resource accounting a
//! ResourceQuota applies ([`pod_usage`]), scale-set headroom, and object name rules.

mod names;
mod quantity;
mod quota;
mod resources;

pub use names::{is_dns1123_label, is_dns1123_subdomain};
pub use quantity::{Quantity, QuantityError};
pub use quota::{
    Headroom, NamespaceDemand, PodCount, QuotaFit, default_headroom, is_quota_resource_name,
    standard_quota_resources,
};
pub use resources::{
    ContainerDefaults, ContainerKind, ContainerResources, PodUsage, ResourceList, pod_usage,
    quota_requires_every_container,
};
