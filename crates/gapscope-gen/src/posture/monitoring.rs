//! Logging, monitoring and key exports: CloudTrail trails (with status and event selectors in the
//! home region), CloudWatch Logs groups and metric filters (epoch-millisecond times, as the Logs
//! API returns them), CloudWatch alarms, KMS keys and AWS Config recorders.

use super::Files;
use super::json::{J, O, arr, ms_time};
use super::model::{Account, Alarm, Key, Region};

/// CloudTrail's status strings: `2026-10-01T08:05:12Z` (text in the API, not a timestamp).
fn zulu(t: i64) -> String {
    crate::common::zulu(t).unwrap_or_default()
}

pub(super) fn write(f: &mut Files, a: &Account, r: &Region) {
    let dir = &r.name;
    let as_of = f.as_of;
    trails(f, a, r);
    f.put(&format!("{dir}/logs-describe-log-groups"), "DescribeLogGroups", &r.log_groups, |groups| {
        let filters = r.metric_filters.ok().map_or(&[][..], Vec::as_slice);
        let groups = groups.iter().map(|g| {
            let arn = a.arn("logs", &r.name, &format!("log-group:{}", g.name));
            O::new()
                .k("logGroupName", &g.name)
                .k("creationTime", g.created_ms)
                .opt("retentionInDays", g.retention)
                .k("metricFilterCount", filters.iter().filter(|m| m.log_group == g.name).count() as i64)
                .k("arn", format!("{arn}:*"))
                .k("storedBytes", g.stored_bytes)
                .opt("kmsKeyId", g.kms_key.as_deref())
                .k("logGroupClass", "STANDARD")
                .k("logGroupArn", arn)
        });
        O::new().k("logGroups", arr(groups)).j()
    });
    f.put(&format!("{dir}/logs-describe-metric-filters"), "DescribeMetricFilters", &r.metric_filters, |filters| {
        let filters = filters.iter().map(|m| {
            let transformation =
                O::new().k("metricName", &m.metric).k("metricNamespace", &m.namespace).k("metricValue", "1");
            O::new()
                .k("filterName", &m.name)
                .k("filterPattern", &m.pattern)
                .k("metricTransformations", arr([transformation]))
                .k("creationTime", m.created_ms)
                .k("logGroupName", &m.log_group)
                .k("applyOnTransformedLogs", false)
        });
        O::new().k("metricFilters", arr(filters)).j()
    });
    f.put(&format!("{dir}/cloudwatch-describe-alarms"), "DescribeAlarms", &r.alarms, |alarms| {
        let alarms = alarms.iter().map(|al| alarm(a, r, al, as_of));
        O::new().k("MetricAlarms", arr(alarms)).k("CompositeAlarms", J::Arr(Vec::new())).j()
    });
    keys(f, a, r);
    f.put(
        &format!("{dir}/configservice-describe-configuration-recorders"),
        "DescribeConfigurationRecorders",
        &r.recorders,
        |recorders| {
            let recorders = recorders.iter().map(|c| {
                let group = O::new()
                    .k("allSupported", true)
                    .k("includeGlobalResourceTypes", r.name == a.home)
                    .k("resourceTypes", J::Arr(Vec::new()))
                    .k("exclusionByResourceTypes", O::new().k("resourceTypes", J::Arr(Vec::new())))
                    .k("recordingStrategy", O::new().k("useOnly", "ALL_SUPPORTED_RESOURCE_TYPES"));
                O::new()
                    .k("name", &c.name)
                    .k(
                        "roleARN",
                        format!(
                            "arn:aws:iam::{}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
                            a.id
                        ),
                    )
                    .k("recordingGroup", group)
                    .k(
                        "recordingMode",
                        O::new().k("recordingFrequency", "CONTINUOUS").k("recordingModeOverrides", J::Arr(Vec::new())),
                    )
            });
            O::new().k("ConfigurationRecorders", arr(recorders)).j()
        },
    );
    f.put(
        &format!("{dir}/configservice-describe-configuration-recorder-status"),
        "DescribeConfigurationRecorderStatus",
        &r.recorders,
        |recorders| {
            let statuses = recorders.iter().map(|c| {
                O::new()
                    .k("name", &c.name)
                    .k("lastStartTime", ms_time(c.started * 1000 + 217))
                    .opt("lastStopTime", c.stopped.map(|t| ms_time(t * 1000 + 904)))
                    .k("recording", c.recording)
                    .k("lastStatus", c.last_status)
                    .k("lastStatusChangeTime", ms_time(c.stopped.unwrap_or(as_of - 3_600) * 1000 + 15))
            });
            O::new().k("ConfigurationRecordersStatus", arr(statuses)).j()
        },
    );
}

fn trails(f: &mut Files, a: &Account, r: &Region) {
    let dir = &r.name;
    let as_of = f.as_of;
    // describe-trails lists the region's own trails and the multi-region trails of other regions.
    let visible: Vec<_> = a.trails.iter().filter(|t| t.home == r.name || t.multi_region).collect();
    let list = visible.iter().map(|t| {
        let log_group =
            t.log_group.as_ref().map(|(region, name)| a.arn("logs", region, &format!("log-group:{name}:*")));
        O::new()
            .k("Name", &t.name)
            .k("S3BucketName", &t.bucket)
            .k("IncludeGlobalServiceEvents", true)
            .k("IsMultiRegionTrail", t.multi_region)
            .k("HomeRegion", &t.home)
            .k("TrailARN", a.arn("cloudtrail", &t.home, &format!("trail/{}", t.name)))
            .k("LogFileValidationEnabled", true)
            .opt("CloudWatchLogsLogGroupArn", log_group.clone())
            .opt(
                "CloudWatchLogsRoleArn",
                log_group.map(|_| format!("arn:aws:iam::{}:role/CloudTrail_CloudWatchLogs_Role", a.id)),
            )
            .opt("KmsKeyId", t.kms_key.as_deref())
            .k("HasCustomEventSelectors", false)
            .k("HasInsightSelectors", false)
            .k("IsOrganizationTrail", false)
    });
    f.json(&format!("{dir}/cloudtrail-describe-trails"), O::new().k("trailList", arr(list)).j());
    for t in visible.iter().filter(|t| t.home == r.name) {
        let delivered = as_of - 312;
        let status = O::new()
            .k("IsLogging", t.logging)
            .k("LatestDeliveryTime", ms_time(delivered * 1000 + 118))
            .opt("LatestCloudWatchLogsDeliveryTime", t.log_group.as_ref().map(|_| ms_time((as_of - 95) * 1000 + 640)))
            .k("LatestDigestDeliveryTime", ms_time((as_of - 1_900) * 1000 + 902))
            .k("StartLoggingTime", ms_time(t.started * 1000 + 77))
            .k("LatestDeliveryAttemptTime", zulu(delivered))
            .k("LatestNotificationAttemptTime", "")
            .k("LatestNotificationAttemptSucceeded", "")
            .k("LatestDeliveryAttemptSucceeded", zulu(delivered))
            .k("TimeLoggingStarted", zulu(t.started))
            .k("TimeLoggingStopped", "");
        f.json(&format!("{dir}/cloudtrail-get-trail-status-{}", t.name), status.j());
        let selector = O::new()
            .k("ReadWriteType", "All")
            .k("IncludeManagementEvents", true)
            .k("DataResources", J::Arr(Vec::new()))
            .k("ExcludeManagementEventSources", J::Arr(Vec::new()));
        let selectors = O::new()
            .k("TrailARN", a.arn("cloudtrail", &t.home, &format!("trail/{}", t.name)))
            .k("EventSelectors", arr([selector]));
        f.json(&format!("{dir}/cloudtrail-get-event-selectors-{}", t.name), selectors.j());
    }
}

fn alarm(a: &Account, r: &Region, al: &Alarm, as_of: i64) -> J {
    let checked = (as_of - 240) / 60 * 60;
    let stamp = chrono::DateTime::<chrono::Utc>::from_timestamp(checked, 0)
        .map(|t| t.format("%d/%m/%y %H:%M:%S").to_string())
        .unwrap_or_default();
    O::new()
        .k("AlarmName", &al.name)
        .k("AlarmArn", a.arn("cloudwatch", &r.name, &format!("alarm:{}", al.name)))
        .k("AlarmDescription", &al.description)
        .k("AlarmConfigurationUpdatedTimestamp", ms_time(al.updated_ms))
        .k("ActionsEnabled", true)
        .k("OKActions", J::Arr(Vec::new()))
        .k("AlarmActions", arr(al.actions.iter().map(String::as_str)))
        .k("InsufficientDataActions", J::Arr(Vec::new()))
        .k("StateValue", "OK")
        .k(
            "StateReason",
            format!(
                "Threshold Crossed: 1 datapoint [0.0 ({stamp})] was not greater than or equal to the threshold (1.0)."
            ),
        )
        .k("StateUpdatedTimestamp", ms_time(al.updated_ms + 61_000))
        .k("MetricName", &al.metric)
        .k("Namespace", &al.namespace)
        .k("Statistic", "Sum")
        .k("Dimensions", J::Arr(Vec::new()))
        .k("Period", 300i64)
        .k("EvaluationPeriods", 1i64)
        .k("Threshold", J::Float(1.0))
        .k("ComparisonOperator", "GreaterThanOrEqualToThreshold")
        .k("TreatMissingData", "notBreaching")
        .k("StateTransitionedTimestamp", ms_time(al.updated_ms + 61_000))
        .j()
}

fn keys(f: &mut Files, a: &Account, r: &Region) {
    let dir = &r.name;
    let as_of = f.as_of;
    let arn = |k: &Key| a.arn("kms", &r.name, &format!("key/{}", k.id));
    f.put(&format!("{dir}/kms-list-keys"), "ListKeys", &r.keys, |keys| {
        O::new().k("Keys", arr(keys.iter().map(|k| O::new().k("KeyId", &k.id).k("KeyArn", arn(k))))).j()
    });
    for k in r.keys.ok().into_iter().flatten() {
        f.put(&format!("{dir}/kms-describe-key-{}", k.id), "DescribeKey", &k.describe, |()| {
            let symmetric = k.spec == "SYMMETRIC_DEFAULT";
            let algorithms = if symmetric {
                vec!["SYMMETRIC_DEFAULT"]
            } else {
                vec!["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_256"]
            };
            let metadata = O::new()
                .k("AWSAccountId", &a.id)
                .k("KeyId", &k.id)
                .k("Arn", arn(k))
                .k("CreationDate", ms_time(k.created_ms))
                .k("Enabled", k.state == "Enabled")
                .k("Description", &k.description)
                .k("KeyUsage", k.usage)
                .k("KeyState", k.state)
                .opt("DeletionDate", k.deletion_ms.map(ms_time))
                .k("Origin", "AWS_KMS")
                .k("KeyManager", k.manager)
                .k("CustomerMasterKeySpec", k.spec)
                .k("KeySpec", k.spec)
                .opt("EncryptionAlgorithms", symmetric.then(|| arr(algorithms.iter().copied())))
                .opt("SigningAlgorithms", (!symmetric).then(|| arr(algorithms.iter().copied())))
                .k("MultiRegion", false)
                .opt("PendingDeletionWindowInDays", k.deletion_ms.map(|_| 7u32));
            O::new().k("KeyMetadata", metadata).j()
        });
        f.put(&format!("{dir}/kms-get-key-rotation-status-{}", k.id), "GetKeyRotationStatus", &k.rotation, |on| {
            // The next rotation: a year after creation, moved on by whole years past as-of.
            let year_ms = 365 * 86_400_000;
            let mut next = k.created_ms + year_ms;
            while next <= as_of * 1000 {
                next += year_ms;
            }
            O::new()
                .k("KeyRotationEnabled", *on)
                .k("KeyId", &k.id)
                .opt("RotationPeriodInDays", on.then_some(365u32))
                .opt("NextRotationDate", on.then(|| ms_time(next)))
                .j()
        });
    }
}
