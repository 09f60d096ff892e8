//! Who acts in an account and on what: IAM users, Identity Center sessions, workload and
//! pipeline roles, and the resources their calls name. Made once per account from the seed.

use super::record::{Attributes, Identity, Issuer, SessionContext, access_key, event_time, hex_lower, iam_id, uuid};
use crate::rng::Rng;

/// Which client made a call: decides `userAgent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Agent {
    Cli,
    Console,
    Terraform,
    Boto,
    Java,
    Go,
    Ssm,
}

#[derive(Clone, Debug)]
pub(crate) struct Principal {
    /// The identity with a placeholder session creation date, filled per record.
    pub(crate) identity: Identity,
    pub(crate) arn: String,
    pub(crate) agent: Agent,
    pub(crate) ips: Vec<String>,
    /// Role sessions last hours; the session creation date trails the event by up to this.
    pub(crate) session_hours: i64,
}

impl Principal {
    /// The identity as a record at time `t` carries it.
    pub(crate) fn identity_at(&self, rng: &mut Rng, t: i64) -> Identity {
        let mut identity = self.identity.clone();
        if let Some(context) = identity.session_context.as_mut() {
            let age = rng.range(60, self.session_hours * 3600);
            context.attributes.creation_date = event_time(t - age);
        }
        identity
    }
    pub(crate) fn ip(&self, rng: &mut Rng) -> String {
        self.ips.get(rng.below(self.ips.len() as u64) as usize).cloned().unwrap_or_else(|| "AWS Internal".to_owned())
    }
    pub(crate) fn user_name(&self) -> &str {
        self.identity.user_name.as_deref().unwrap_or("")
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Resources {
    pub(crate) instances: Vec<String>,
    pub(crate) volumes: Vec<String>,
    pub(crate) buckets: Vec<String>,
    pub(crate) security_groups: Vec<String>,
    pub(crate) vpcs: Vec<String>,
    pub(crate) subnets: Vec<String>,
    pub(crate) functions: Vec<String>,
    pub(crate) log_groups: Vec<String>,
    pub(crate) keys: Vec<String>,
    pub(crate) tables: Vec<String>,
    pub(crate) secrets: Vec<String>,
    pub(crate) roles: Vec<String>,
    pub(crate) stacks: Vec<String>,
    pub(crate) databases: Vec<String>,
    pub(crate) parameters: Vec<String>,
}

pub(crate) struct Population {
    pub(crate) account: String,
    /// IAM users with long-term access keys (CLI and SDK).
    pub(crate) humans: Vec<Principal>,
    /// IAM Identity Center sessions; the first is an administrator.
    pub(crate) sso: Vec<Principal>,
    /// Instance, task and function roles.
    pub(crate) workloads: Vec<Principal>,
    /// Deployment pipelines: a Terraform IAM user and a GitHub Actions OIDC role.
    pub(crate) pipelines: Vec<Principal>,
    pub(crate) res: Resources,
}

const FIRST: [&str; 16] = [
    "alice", "bruno", "chen", "deepa", "elena", "farid", "giulia", "hiro", "ines", "jonas", "kofi", "lena", "mateo",
    "noor", "priya", "sven",
];
const LAST: [&str; 12] =
    ["garcia", "nguyen", "kim", "patel", "muller", "rossi", "silva", "okafor", "tanaka", "novak", "haddad", "reyes"];
const WORDS: [&str; 16] = [
    "billing",
    "orders",
    "ingest",
    "search",
    "payments",
    "inventory",
    "analytics",
    "mailer",
    "exports",
    "media",
    "auth",
    "ledger",
    "catalog",
    "metrics",
    "webhooks",
    "scheduler",
];
const SSO_SETS: [&str; 4] = ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess"];

/// A public address that is none of RFC 1918, loopback, link-local or multicast.
fn public_ip(rng: &mut Rng, first: &[u8]) -> String {
    let a = rng.pick(first);
    format!("{a}.{}.{}.{}", rng.below(256), rng.below(256), 1 + rng.below(254))
}

fn one(rng: &mut Rng, items: &[String]) -> String {
    items.get(rng.below(items.len() as u64) as usize).cloned().unwrap_or_default()
}

fn iam_user(rng: &mut Rng, account: &str, name: &str, agent: Agent, ips: Vec<String>) -> Principal {
    let arn = format!("arn:aws:iam::{account}:user/{name}");
    let identity = Identity {
        kind: Some("IAMUser"),
        principal_id: Some(iam_id(rng, "AIDA")),
        arn: Some(arn.clone()),
        account_id: Some(account.to_owned()),
        access_key_id: Some(access_key(rng, "AKIA")),
        user_name: Some(name.to_owned()),
        ..Identity::default()
    };
    Principal { identity, arn, agent, ips, session_hours: 1 }
}

/// `role_path` is the role's path with its trailing slash (`/`, `/aws-reserved/…/`).
struct RoleSession<'a> {
    role: &'a str,
    role_path: &'a str,
    session: &'a str,
    agent: Agent,
    ips: Vec<String>,
    ec2: bool,
    hours: i64,
}

fn assumed_role(rng: &mut Rng, account: &str, s: RoleSession<'_>) -> Principal {
    let role_id = iam_id(rng, "AROA");
    let arn = format!("arn:aws:sts::{account}:assumed-role/{}/{}", s.role, s.session);
    let issuer = Issuer {
        kind: "Role",
        principal_id: role_id.clone(),
        arn: format!("arn:aws:iam::{account}:role{}{}", s.role_path, s.role),
        account_id: account.to_owned(),
        user_name: s.role.to_owned(),
    };
    let context = SessionContext {
        session_issuer: Some(issuer),
        web_id_federation_data: Some(serde_json::json!({})),
        attributes: Attributes { creation_date: String::new(), mfa_authenticated: "false" },
        ec2_role_delivery: s.ec2.then_some("2.0"),
    };
    let identity = Identity {
        kind: Some("AssumedRole"),
        principal_id: Some(format!("{role_id}:{}", s.session)),
        arn: Some(arn.clone()),
        account_id: Some(account.to_owned()),
        access_key_id: Some(access_key(rng, "ASIA")),
        session_context: Some(context),
        ..Identity::default()
    };
    Principal { identity, arn, agent: s.agent, ips: s.ips, session_hours: s.hours }
}

fn ids(rng: &mut Rng, n: usize, prefix: &str, digits: usize) -> Vec<String> {
    (0..n).map(|_| format!("{prefix}{}", hex_lower(rng, digits))).collect()
}

impl Population {
    pub(crate) fn new(seed: u64, account: &str, home_region: &str) -> Population {
        let mut rng = Rng::derived(seed, &[b"population", account.as_bytes()]);
        let rng = &mut rng;
        let office: Vec<String> = (0..3).map(|_| public_ip(rng, &[81, 86, 90, 188, 212])).collect();
        let nat: Vec<String> = (0..3).map(|_| public_ip(rng, &[3, 18, 52, 54])).collect();
        let company = rng.pick(&["acme", "globex", "initech", "umbrella", "hooli"]);

        let mut humans = Vec::new();
        for i in 0..8 {
            let name = format!("{}.{}", FIRST[(i * 5) % FIRST.len()], rng.pick(&LAST));
            let agent = if i % 3 == 0 { Agent::Boto } else { Agent::Cli };
            let home = public_ip(rng, &[77, 82, 94, 176, 217]);
            let ips = vec![home, one(rng, &office)];
            humans.push(iam_user(rng, account, &name, agent, ips));
        }
        let mut sso = Vec::new();
        for i in 0..6 {
            let set = SSO_SETS[if i == 0 { 0 } else { i % SSO_SETS.len() }];
            let role = format!("AWSReservedSSO_{set}_{}", hex_lower(rng, 16));
            let path = format!("/aws-reserved/sso.amazonaws.com/{home_region}/");
            let person = format!("{}.{}@{company}.example", FIRST[(i * 7 + 3) % FIRST.len()], rng.pick(&LAST));
            let agent = if i % 2 == 0 { Agent::Console } else { Agent::Cli };
            let ips = vec![one(rng, &office)];
            let session =
                RoleSession { role: &role, role_path: &path, session: &person, agent, ips, ec2: false, hours: 8 };
            sso.push(assumed_role(rng, account, session));
        }
        let mut workloads = Vec::new();
        let instances = ids(rng, 12, "i-0", 16);
        for i in 0..4 {
            let role = format!("eks-node-{}", WORDS[i * 3 % WORDS.len()]);
            let session = instances.get(i).cloned().unwrap_or_default();
            let ips = vec![one(rng, &nat)];
            let s = RoleSession {
                role: &role,
                role_path: "/",
                session: &session,
                agent: Agent::Go,
                ips,
                ec2: true,
                hours: 6,
            };
            workloads.push(assumed_role(rng, account, s));
        }
        let functions: Vec<String> = WORDS.iter().take(8).map(|w| format!("{w}-handler")).collect();
        for f in functions.iter().take(4) {
            let role = format!("{f}-role-{}", hex_lower(rng, 8));
            let ips = vec![public_ip(rng, &[3, 18, 34, 44, 52])];
            let s = RoleSession {
                role: &role,
                role_path: "/service-role/",
                session: f,
                agent: Agent::Boto,
                ips,
                ec2: false,
                hours: 1,
            };
            workloads.push(assumed_role(rng, account, s));
        }
        for w in WORDS.iter().skip(8).take(3) {
            let role = format!("ecs-task-{w}");
            let session = hex_lower(rng, 32);
            let ips = vec![one(rng, &nat)];
            let s = RoleSession {
                role: &role,
                role_path: "/",
                session: &session,
                agent: Agent::Java,
                ips,
                ec2: false,
                hours: 6,
            };
            workloads.push(assumed_role(rng, account, s));
        }
        for i in 4..7 {
            let session = instances.get(i).cloned().unwrap_or_default();
            let ips = vec![one(rng, &nat)];
            let s = RoleSession {
                role: "AmazonSSMRoleForInstancesQuickSetup",
                role_path: "/",
                session: &session,
                agent: Agent::Ssm,
                ips,
                ec2: true,
                hours: 6,
            };
            workloads.push(assumed_role(rng, account, s));
        }
        let runner = public_ip(rng, &[4, 13, 20, 40, 52]);
        let pipelines = vec![
            iam_user(rng, account, "terraform-ci", Agent::Terraform, vec![runner.clone()]),
            assumed_role(
                rng,
                account,
                RoleSession {
                    role: "github-actions-deploy",
                    role_path: "/",
                    session: "GitHubActions",
                    agent: Agent::Terraform,
                    ips: vec![runner],
                    ec2: false,
                    hours: 1,
                },
            ),
        ];
        let res = Resources {
            volumes: ids(rng, 16, "vol-0", 16),
            instances,
            buckets: WORDS.iter().take(10).map(|w| format!("{company}-{w}-{account}")).collect(),
            security_groups: ids(rng, 10, "sg-0", 16),
            vpcs: ids(rng, 3, "vpc-0", 16),
            subnets: ids(rng, 9, "subnet-0", 16),
            log_groups: functions
                .iter()
                .map(|f| format!("/aws/lambda/{f}"))
                .chain(["/ecs/orders", "/ecs/payments", "/aws/eks/prod/cluster"].map(str::to_owned))
                .collect(),
            functions,
            keys: (0..5).map(|_| uuid(rng).1).collect(),
            tables: WORDS.iter().skip(2).take(6).map(|w| format!("{w}-prod")).collect(),
            secrets: WORDS.iter().take(6).map(|w| format!("prod/{w}/db-{}", hex_lower(rng, 6))).collect(),
            roles: workloads
                .iter()
                .filter_map(|p| p.identity.session_context.as_ref()?.session_issuer.as_ref())
                .map(|i| i.user_name.clone())
                .collect(),
            stacks: WORDS.iter().take(6).map(|w| format!("{w}-service-prod")).collect(),
            databases: ["orders-db", "payments-db", "analytics-replica"].map(str::to_owned).to_vec(),
            parameters: WORDS.iter().take(8).map(|w| format!("/prod/{w}/config")).collect(),
        };
        Population { account: account.to_owned(), humans, sso, workloads, pipelines, res }
    }

    /// The administrator who makes the planted configuration changes: an Identity Center session.
    pub(crate) fn admin(&self) -> Option<&Principal> {
        self.sso.first()
    }
}
