//! v2's `instance_hours.py` (version 1): from the verified exists of the period, each
//! instance's hours (`ceil((min(deleted, ending) - max(launched, beginning)) / 1 h)`) times its
//! flavor units (`memory_mb / 256`, class weight 1.0), totalled by flavor, flavor class and
//! tenant type, with the top 100 tenants per type value by count and by unit hours.
//!
//! v2's percentages divide by the running unit-hour total at each update, so they are kept
//! that way (the exists are taken in id order); a division by a zero total gives 0.0 where v2
//! raised. A flavor whose exists' notification lacks `memory_mb` counts 0 units (v2 raised).

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use crate::store::report_inputs::HoursExists;

const HOUR_US: i64 = 3_600_000_000;

/// A flavor as the first exists of it described it: `payload.instance_type`,
/// `payload.memory_mb`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FlavorPayload {
    pub name: Value,
    pub memory_mb: f64,
}

/// A tenant's `tenant_info`: its name and types (name → value).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct TenantInfo {
    pub name: Option<String>,
    pub types: BTreeMap<String, String>,
}

/// What the report reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct HoursInputs {
    pub exists: Vec<HoursExists>,
    /// By `instance_flavor_id`.
    pub flavors: HashMap<String, FlavorPayload>,
    pub tenants: HashMap<String, TenantInfo>,
    pub type_names: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Counts {
    count: i64,
    unit_hours: f64,
    percent_count: f64,
    percent_unit_hours: f64,
}

impl Counts {
    fn add(&mut self, unit_hours: f64, total_count: i64, total_unit_hours: f64) {
        self.count += 1;
        self.unit_hours += unit_hours;
        self.percent_count = self.count as f64 / total_count as f64 * 100.0;
        self.percent_unit_hours = if total_unit_hours == 0.0 {
            0.0
        } else {
            self.unit_hours / total_unit_hours * 100.0
        };
    }

    fn json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("count".into(), json!(self.count));
        m.insert("unit_hours".into(), json!(self.unit_hours));
        m.insert("percent_count".into(), json!(self.percent_count));
        m.insert("percent_unit_hours".into(), json!(self.percent_unit_hours));
        m
    }
}

/// One tenant's figures, shared by every (type, value) it is listed under.
#[derive(Debug, Clone, Default)]
struct TenantCounts {
    counts: Counts,
    tenant: Option<String>,
    account_name: Option<String>,
    types: BTreeMap<String, String>,
}

impl TenantCounts {
    fn json(&self) -> Value {
        let mut m = self.counts.json();
        m.insert("tenant".into(), json!(self.tenant));
        m.insert("account_name".into(), json!(self.account_name));
        for (k, v) in &self.types {
            m.insert(k.clone(), json!(v));
        }
        Value::Object(m)
    }
}

/// `type name → type value → tenant → index into the tenants`.
type ByTenant = BTreeMap<String, BTreeMap<String, BTreeMap<String, usize>>>;

#[derive(Default)]
struct Tally {
    count: i64,
    unit_hours: f64,
    by_flavor: BTreeMap<String, (Counts, Value)>,
    by_class: BTreeMap<String, Counts>,
    by_type: BTreeMap<String, BTreeMap<String, Counts>>,
    by_tenant: ByTenant,
    tenants: Vec<TenantCounts>,
}

fn hours(e: &HoursExists) -> i64 {
    let end = match e.deleted_at {
        Some(d) if d <= e.audit_period_ending => d,
        _ => e.audit_period_ending,
    };
    let start = e.launched_at.max(e.audit_period_beginning);
    // ceil((end - start) / 1 h), for negative spans too.
    -((start - end).div_euclid(HOUR_US))
}

fn class_of(flavor: &str) -> &str {
    flavor
        .split_once('-')
        .map_or("standard", |(class, _)| class)
}

impl Tally {
    fn add(&mut self, e: &HoursExists, inputs: &HoursInputs) {
        let flavor = e.instance_flavor_id.clone().unwrap_or_default();
        let payload = inputs.flavors.get(&flavor);
        let units = payload.map_or(0.0, |p| p.memory_mb / 256.0);
        let name = payload.map_or(Value::Null, |p| p.name.clone());
        let unit_hours = hours(e) as f64 * units;
        self.unit_hours += unit_hours;
        let (count, total) = (self.count, self.unit_hours);
        let (c, n) = self
            .by_flavor
            .entry(flavor.clone())
            .or_insert_with(|| (Counts::default(), Value::Null));
        c.add(unit_hours, count, total);
        *n = name;
        let class = self
            .by_class
            .entry(class_of(&flavor).to_owned())
            .or_default();
        class.add(unit_hours, count, total);
        let (account_name, types) = self.tenant_types(e.tenant.as_deref(), inputs);
        for (tname, tvalue) in &types {
            if let Some(values) = self.by_type.get_mut(tname) {
                values
                    .entry(tvalue.clone())
                    .or_default()
                    .add(unit_hours, count, total);
            }
        }
        self.add_tenant(e.tenant.as_deref(), account_name, &types, unit_hours);
    }

    /// v2's `get_tenant_info`: the stored name and types, or `unknown account` and every
    /// type `unknown`.
    fn tenant_types(
        &self,
        tenant: Option<&str>,
        inputs: &HoursInputs,
    ) -> (Option<String>, BTreeMap<String, String>) {
        match tenant.and_then(|t| inputs.tenants.get(t)) {
            Some(info) => (info.name.clone(), info.types.clone()),
            None => (
                Some("unknown account".into()),
                inputs
                    .type_names
                    .iter()
                    .map(|n| (n.clone(), "unknown".to_owned()))
                    .collect(),
            ),
        }
    }

    /// v2's `add_tenant_hours`: one figures object per tenant, listed under each of its
    /// (type, value); a tenant without types is counted nowhere.
    fn add_tenant(
        &mut self,
        tenant: Option<&str>,
        account_name: Option<String>,
        types: &BTreeMap<String, String>,
        unit_hours: f64,
    ) {
        let key = tenant.unwrap_or("null").to_owned();
        let mut current: Option<usize> = None;
        for (tname, tvalue) in types {
            let Some(values) = self.by_tenant.get_mut(tname) else {
                continue;
            };
            let slot = values.entry(tvalue.clone()).or_default();
            let index = *slot.entry(key.clone()).or_insert_with(|| {
                current.unwrap_or_else(|| {
                    self.tenants.push(TenantCounts::default());
                    self.tenants.len() - 1
                })
            });
            current = Some(index);
            self.tenants[index]
                .types
                .insert(tname.clone(), tvalue.clone());
        }
        let Some(index) = current else {
            return;
        };
        let (count, total) = (self.count, self.unit_hours);
        let cts = &mut self.tenants[index];
        cts.counts.add(unit_hours, count, total);
        cts.tenant = tenant.map(str::to_owned);
        cts.account_name = account_name;
    }

    /// v2's `top_hundred(key)`: per type name and value, the 100 tenants with the most
    /// exists (or unit hours), ties in tenant order.
    fn top_hundred(&self, by_unit_hours: bool) -> Value {
        let mut top = Map::new();
        for (tname, values) in &self.by_tenant {
            let mut per_value = Map::new();
            for (tvalue, tenants) in values {
                let mut list: Vec<&TenantCounts> =
                    tenants.values().map(|i| &self.tenants[*i]).collect();
                list.sort_by(|a, b| {
                    let (x, y) = if by_unit_hours {
                        (a.counts.unit_hours, b.counts.unit_hours)
                    } else {
                        (a.counts.count as f64, b.counts.count as f64)
                    };
                    y.total_cmp(&x)
                });
                let json: Vec<Value> = list.iter().take(100).map(|t| t.json()).collect();
                per_value.insert(tvalue.clone(), Value::Array(json));
            }
            top.insert(tname.clone(), Value::Object(per_value));
        }
        Value::Object(top)
    }
}

/// The report's JSON.
pub(crate) fn build(inputs: &HoursInputs) -> Value {
    let mut t = Tally {
        count: inputs.exists.len() as i64,
        ..Tally::default()
    };
    for name in &inputs.type_names {
        t.by_tenant.insert(name.clone(), BTreeMap::new());
        t.by_type.insert(name.clone(), BTreeMap::new());
    }
    for e in &inputs.exists {
        t.add(e, inputs);
    }
    let mut report = Map::new();
    report.insert("total_instance_count".into(), json!(t.count));
    report.insert("total_unit_hours".into(), json!(t.unit_hours));
    let flavor: Map<String, Value> = t
        .by_flavor
        .iter()
        .map(|(k, (c, name))| {
            let mut m = c.json();
            m.insert("flavor_name".into(), name.clone());
            (k.clone(), Value::Object(m))
        })
        .collect();
    report.insert("flavor".into(), Value::Object(flavor));
    let class: Map<String, Value> = t
        .by_class
        .iter()
        .map(|(k, c)| (k.clone(), Value::Object(c.json())))
        .collect();
    report.insert("flavor_class".into(), Value::Object(class));
    report.insert("top_hundred_by_count".into(), t.top_hundred(false));
    report.insert("top_hundred_by_unit_hours".into(), t.top_hundred(true));
    for (name, values) in &t.by_type {
        let stats: Map<String, Value> = values
            .iter()
            .map(|(k, c)| (k.clone(), Value::Object(c.json())))
            .collect();
        report.insert(name.clone(), Value::Object(stats));
    }
    Value::Object(report)
}

#[cfg(test)]
#[path = "instance_hours_tests.rs"]
mod tests;
