//! Trail configuration as the checks read it: each trail once (by ARN), with the status and event
//! selectors exported for it, and the regions logging must cover per account.

use crate::formats::aws::export_path::account_in_path;
use std::collections::{BTreeMap, BTreeSet};

use crate::formats::aws::trail_config::{EventSelectors, ManagementEvents, Region, Trail, TrailConfig, TrailStatus};

/// Where a fact came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub file: String,
    pub sha256: String,
    pub locator: String,
}

/// A trail configuration export as read.
#[derive(Debug, Clone)]
pub(crate) struct ConfigFile {
    pub path: String,
    pub sha256: String,
    pub config: TrailConfig,
}

#[derive(Debug, Clone)]
pub(crate) struct TrailView {
    pub trail: Trail,
    pub source: Source,
    pub status: Option<(TrailStatus, Source)>,
    pub selectors: Option<(EventSelectors, Source)>,
}

impl TrailView {
    /// The account the trail belongs to (from its ARN), if known.
    pub(crate) fn account(&self) -> Option<&str> {
        self.trail.account.as_deref()
    }

    pub(crate) fn is_logging(&self) -> Option<bool> {
        self.status.as_ref().and_then(|(s, _)| s.is_logging)
    }

    /// What the trail records of management events: from its selectors export, or, when the trail
    /// says it has no custom selectors, AWS's default (all management events).
    pub(crate) fn management(&self) -> Option<ManagementEvents> {
        match (&self.selectors, self.trail.custom_event_selectors) {
            (Some((selectors, _)), _) => Some(selectors.management),
            (None, Some(false)) => Some(ManagementEvents::All),
            (None, _) => None,
        }
    }

    pub(crate) fn sources(&self) -> Vec<Source> {
        let mut sources = vec![self.source.clone()];
        sources.extend(self.status.iter().map(|(_, s)| s.clone()));
        sources.extend(self.selectors.iter().map(|(_, s)| s.clone()));
        sources
    }
}

/// Trails and regions assembled from every configuration export.
#[derive(Debug, Default)]
pub(crate) struct TrailSetup {
    pub trails: Vec<TrailView>,
    /// `describe-regions` exports: the account they belong to (from the path), if known.
    pub regions: Vec<(Option<String>, Vec<Region>, Source)>,
    /// Status or selector exports that could not be tied to one trail.
    pub unattached: Vec<String>,
}

impl TrailSetup {
    pub(crate) fn assemble(files: Vec<ConfigFile>) -> TrailSetup {
        let mut setup = TrailSetup::default();
        let mut statuses = Vec::new();
        let mut selectors = Vec::new();
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        for file in files {
            let source = |locator: String| Source { file: file.path.clone(), sha256: file.sha256.clone(), locator };
            match file.config {
                TrailConfig::Trails(trails) => {
                    for trail in trails {
                        // Shadow copies of one trail appear in every region's describe-trails.
                        let key = trail
                            .arn
                            .clone()
                            .unwrap_or_else(|| format!("{}:{}", trail.account.as_deref().unwrap_or("?"), trail.name));
                        if by_key.contains_key(&key) {
                            continue;
                        }
                        by_key.insert(key, setup.trails.len());
                        let src = source(trail.locator.clone());
                        setup.trails.push(TrailView { trail, source: src, status: None, selectors: None });
                    }
                }
                TrailConfig::Status(status) => statuses.push((status, source(String::new()), file.path.clone())),
                TrailConfig::Selectors(sel) => selectors.push((sel, source(String::new()), file.path.clone())),
                TrailConfig::Regions(regions) => {
                    setup.regions.push((account_in_path(&file.path), regions, source(String::new())))
                }
            }
        }
        for (status, source, path) in statuses {
            match setup.find(status.trail.as_deref(), &path) {
                Some(i) => setup.trails[i].status = Some((status, source)),
                None => setup.unattached.push(format!("{path}: get-trail-status not tied to one trail")),
            }
        }
        for (sel, source, path) in selectors {
            match setup.find(sel.trail.as_deref(), &path) {
                Some(i) => setup.trails[i].selectors = Some((sel, source)),
                None => setup.unattached.push(format!("{path}: get-event-selectors not tied to one trail")),
            }
        }
        setup
    }

    /// The trail a status or selector export names (name or ARN); when it names none, the only
    /// trail exported in the same folder.
    fn find(&self, named: Option<&str>, path: &str) -> Option<usize> {
        let folder = parent(path);
        let candidates: Vec<usize> = match named {
            Some(name) => (0..self.trails.len())
                .filter(|&i| {
                    let t = &self.trails[i].trail;
                    t.arn.as_deref() == Some(name) || t.name == name
                })
                .collect(),
            None => (0..self.trails.len()).filter(|&i| parent(&self.trails[i].source.file) == folder).collect(),
        };
        if candidates.len() <= 1 {
            return candidates.first().copied();
        }
        // Trails of one name in several accounts: the one exported beside this file, or of the
        // account the path names.
        let beside: Vec<usize> =
            candidates.iter().copied().filter(|&i| parent(&self.trails[i].source.file) == folder).collect();
        if beside.len() == 1 {
            return Some(beside[0]);
        }
        let account = account_in_path(path)?;
        let of_account: Vec<usize> =
            candidates.into_iter().filter(|&i| self.trails[i].account() == Some(account.as_str())).collect();
        (of_account.len() == 1).then(|| of_account[0])
    }

    /// Regions logging must cover, per account, and why: enabled per describe-regions (for the
    /// account in its path, else every account in `accounts`), or in a trail's scope.
    pub(crate) fn expected_regions(&self, accounts: &BTreeSet<String>) -> BTreeMap<(String, String), String> {
        let mut expected: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut enabled_per_account: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (account, regions, _) in &self.regions {
            let targets: Vec<String> = match account {
                Some(a) => vec![a.clone()],
                None => accounts.iter().cloned().collect(),
            };
            for target in targets {
                for region in regions.iter().filter(|r| r.enabled()) {
                    enabled_per_account.entry(target.clone()).or_default().insert(region.name.clone());
                    expected
                        .entry((target.clone(), region.name.clone()))
                        .or_insert_with(|| "enabled per ec2 describe-regions".into());
                }
            }
        }
        for view in &self.trails {
            let Some(account) = view.account() else { continue };
            if view.trail.multi_region == Some(true) {
                for region in enabled_per_account.get(account).into_iter().flatten() {
                    expected
                        .entry((account.to_string(), region.clone()))
                        .or_insert_with(|| format!("in multi-region trail {}'s scope", view.trail.name));
                }
            }
            if let Some(home) = &view.trail.home_region {
                expected
                    .entry((account.to_string(), home.clone()))
                    .or_insert_with(|| format!("the home region of trail {}", view.trail.name));
            }
        }
        expected
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once(['/', '!']).map_or("", |(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::aws::trail_config::parse;

    fn file(path: &str, json: &str) -> ConfigFile {
        ConfigFile { path: path.into(), sha256: "h".into(), config: parse(path, json.as_bytes()).unwrap() }
    }

    #[test]
    fn status_and_selectors_attach_by_name_arn_or_folder_and_shadows_collapse() {
        let trails = r#"{"trailList":[
            {"Name":"main","TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main","HomeRegion":"us-east-1","IsMultiRegionTrail":true},
            {"Name":"local","TrailARN":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/local","HomeRegion":"eu-west-1","IsMultiRegionTrail":false}]}"#;
        let shadow = r#"{"trailList":[{"Name":"main","TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main","HomeRegion":"us-east-1"}]}"#;
        let setup = TrailSetup::assemble(vec![
            file("ev/111122223333/describe-trails.json", trails),
            file("ev/111122223333/eu-west-1/describe-trails.json", shadow),
            file("ev/111122223333/get-trail-status-main.json", r#"{"IsLogging":true}"#),
            file(
                "ev/111122223333/selectors.json",
                r#"{"TrailARN":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/local","EventSelectors":[{"ReadWriteType":"WriteOnly"}]}"#,
            ),
            file(
                "ev/111122223333/regions/ec2-describe-regions.json",
                r#"{"Regions":[{"RegionName":"us-east-1"},{"RegionName":"ap-south-2","OptInStatus":"not-opted-in"},{"RegionName":"eu-west-1"}]}"#,
            ),
        ]);
        assert_eq!(setup.trails.len(), 2);
        assert_eq!(setup.trails[0].is_logging(), Some(true));
        assert_eq!(setup.trails[1].is_logging(), None);
        assert_eq!(setup.trails[1].management(), Some(ManagementEvents::WriteOnly));
        assert!(setup.unattached.is_empty());
        let expected = setup.expected_regions(&BTreeSet::new());
        let keys: Vec<(&str, &str)> = expected.keys().map(|(a, r)| (a.as_str(), r.as_str())).collect();
        assert_eq!(keys, [("111122223333", "eu-west-1"), ("111122223333", "us-east-1")]);
    }

    #[test]
    fn an_unnamed_status_attaches_only_to_the_single_trail_beside_it() {
        let one = r#"{"trailList":[{"Name":"t","TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}]}"#;
        let setup = TrailSetup::assemble(vec![
            file("a/cloudtrail.DescribeTrails_1.json", one),
            file("a/cloudtrail.GetTrailStatus_1.json", r#"{"IsLogging":false}"#),
            file("b/cloudtrail.GetTrailStatus_1.json", r#"{"IsLogging":true}"#),
        ]);
        assert_eq!(setup.trails[0].is_logging(), Some(false));
        assert_eq!(setup.unattached, ["b/cloudtrail.GetTrailStatus_1.json: get-trail-status not tied to one trail"]);
    }

    #[test]
    fn one_trail_name_in_two_accounts_attaches_by_folder() {
        let trail = |account: &str| {
            format!(
                r#"{{"trailList":[{{"Name":"main","TrailARN":"arn:aws:cloudtrail:us-east-1:{account}:trail/main"}}]}}"#
            )
        };
        let setup = TrailSetup::assemble(vec![
            file("config/111122223333/describe-trails.json", &trail("111122223333")),
            file("config/444455556666/describe-trails.json", &trail("444455556666")),
            file("config/111122223333/get-trail-status-main.json", r#"{"IsLogging":false}"#),
            file("config/444455556666/get-trail-status-main.json", r#"{"IsLogging":true}"#),
        ]);
        let logging: Vec<_> = setup.trails.iter().map(|t| (t.account().unwrap(), t.is_logging())).collect();
        assert_eq!(logging, [("111122223333", Some(false)), ("444455556666", Some(true))]);
    }
}
