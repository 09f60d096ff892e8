//! The IAM part of the account design: managed policies (with versions, AWS managed ones among
//! them), groups, users and roles with attached and inline policies, and the cases of the
//! full-admin and user-attached checks. Prod holds objects and one URL-encoded document; dev's
//! documents are all URL-encoded, as tools that record the raw IAM API keep them.

use super::design::{Ctx, Expect, WORDS};
use super::model::{
    Attached, Document, Effect, Group, Iam, Inline, Managed, PolicyVersion, Principal, Role, Statement, Strs, User,
};
use super::oracle::{FULL_ADMIN, USER_ATTACHED};
use crate::common::DAY;

// ---------------------------------------------------------------- policy documents

fn statement(effect: Effect, actions: Strs, resources: Strs) -> Statement {
    Statement { sid: None, effect, principal: None, actions, resources, condition: None }
}

fn allow(actions: &[&str], resource: &str) -> Statement {
    let actions = match actions {
        [one] => Strs::one(one),
        many => Strs::many(many),
    };
    statement(Effect::Allow, actions, Strs::one(resource))
}

pub(super) fn doc(statements: Vec<Statement>, encoded: bool) -> Document {
    Document { statements, encoded }
}

fn trust(service: &str, encoded: bool) -> Document {
    let mut s = statement(Effect::Allow, Strs::one("sts:AssumeRole"), Strs::Many(Vec::new()));
    s.principal = Some(Principal::Service(service.to_owned()));
    doc(vec![s], encoded)
}

fn trust_account(account: &str, encoded: bool) -> Document {
    let mut s = statement(Effect::Allow, Strs::one("sts:AssumeRole"), Strs::Many(Vec::new()));
    s.principal = Some(Principal::Aws(Strs::One(format!("arn:aws:iam::{account}:root"))));
    doc(vec![s], encoded)
}

fn admin_doc(encoded: bool) -> Document {
    doc(vec![allow(&["*"], "*")], encoded)
}

// ---------------------------------------------------------------- IAM entities

struct IamBuilder<'a> {
    c: &'a mut Ctx,
    iam: Iam,
    encoded: bool,
}

impl IamBuilder<'_> {
    fn policy(&mut self, name: &str, aws: bool, versions: Vec<(bool, Document)>) -> Attached {
        let id = self.c.account.clone();
        let arn =
            if aws { format!("arn:aws:iam::aws:policy/{name}") } else { format!("arn:aws:iam::{id}:policy/{name}") };
        let created = self.c.days_ago(if aws { 3000 } else { 600 });
        let n = versions.len();
        let versions: Vec<PolicyVersion> = versions
            .into_iter()
            .enumerate()
            .map(|(i, (default, doc))| PolicyVersion {
                id: format!("v{}", i + 1),
                default,
                doc,
                created: created + (i as i64) * 40 * DAY,
            })
            .collect();
        let policy_id =
            if name == "AdministratorAccess" { "ANPAIWMBCKSKIEE64ZLYK".to_owned() } else { self.c.iam_id("ANPA") };
        self.iam.policies.push(Managed {
            name: name.to_owned(),
            id: policy_id,
            arn: arn.clone(),
            path: "/".into(),
            attachments: 0,
            versions,
            created,
            updated: created + (n.saturating_sub(1) as i64) * 40 * DAY,
        });
        Attached { name: name.to_owned(), arn }
    }
    fn user(&mut self, name: &str, groups: &[&str], attached: Vec<Attached>, inline: Vec<Inline>) -> String {
        let arn = format!("arn:aws:iam::{}:user/{name}", self.c.account);
        let user = User {
            name: name.to_owned(),
            id: self.c.iam_id("AIDA"),
            arn: arn.clone(),
            created: self.c.days_ago(450),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            attached,
            inline,
        };
        self.iam.users.push(user);
        arn
    }
    fn group(&mut self, name: &str, attached: Vec<Attached>, inline: Vec<Inline>) -> String {
        let arn = format!("arn:aws:iam::{}:group/{name}", self.c.account);
        let group = Group {
            name: name.to_owned(),
            id: self.c.iam_id("AGPA"),
            arn: arn.clone(),
            created: self.c.days_ago(800),
            attached,
            inline,
        };
        self.iam.groups.push(group);
        arn
    }
    fn role(
        &mut self,
        name: &str,
        path: &str,
        trust: Document,
        attached: Vec<Attached>,
        inline: Vec<Inline>,
    ) -> String {
        let arn = format!("arn:aws:iam::{}:role{path}{name}", self.c.account);
        let role = Role {
            name: name.to_owned(),
            path: path.to_owned(),
            id: self.c.iam_id("AROA"),
            arn: arn.clone(),
            created: self.c.days_ago(700),
            trust,
            attached,
            inline,
        };
        self.iam.roles.push(role);
        arn
    }
    fn inline(&self, name: &str, statements: Vec<Statement>) -> Inline {
        Inline { name: name.to_owned(), doc: doc(statements, self.encoded) }
    }
    fn finish(mut self) -> Iam {
        // AttachmentCount as IAM keeps it: the entities that have the policy attached.
        let iam = &mut self.iam;
        let attached: Vec<String> = iam
            .users
            .iter()
            .flat_map(|u| &u.attached)
            .chain(iam.groups.iter().flat_map(|g| &g.attached))
            .chain(iam.roles.iter().flat_map(|r| &r.attached))
            .map(|a| a.arn.clone())
            .collect();
        for p in &mut iam.policies {
            p.attachments = attached.iter().filter(|a| **a == p.arn).count() as u32;
        }
        iam.export = true;
        self.iam
    }
}

pub(super) fn iam(c: &mut Ctx, index: usize) -> Iam {
    // The dev account's authorization details hold URL-encoded documents, as tools that record the
    // raw IAM API responses keep them; the others hold objects, as the CLI prints them.
    let encoded = index == 1;
    let mut b = IamBuilder { c, iam: Iam::default(), encoded };
    let account = b.c.account.clone();
    let ro_actions = ["ec2:Describe*", "s3:Get*", "s3:List*", "iam:Get*", "iam:List*", "cloudtrail:Describe*"];
    match index {
        0 => {
            let admin_everything = b.policy(
                "AdminEverything",
                false,
                vec![(false, doc(vec![allow(&["s3:GetObject"], "*")], false)), (true, admin_doc(false))],
            );
            let unused = b.policy(
                "AdminEverythingUnused",
                false,
                vec![(false, doc(vec![allow(&["s3:GetObject"], "*")], false)), (true, admin_doc(false))],
            );
            let reporting = b.policy(
                "ReadOnlyReporting",
                false,
                vec![
                    (false, admin_doc(false)),
                    (
                        true,
                        doc(vec![allow(&["s3:GetObject", "s3:ListBucket", "athena:StartQueryExecution"], "*")], false),
                    ),
                ],
            );
            let deploy = b.policy(
                "DeployPipeline",
                false,
                vec![(true, doc(vec![allow(&["cloudformation:*", "s3:PutObject", "iam:PassRole"], "*")], false))],
            );
            let administrator = b.policy("AdministratorAccess", true, vec![(true, admin_doc(false))]);
            let read_only = b.policy("ReadOnlyAccess", true, vec![(true, doc(vec![allow(&ro_actions, "*")], false))]);
            let ssm = b.policy(
                "AmazonSSMManagedInstanceCore",
                true,
                vec![(
                    true,
                    doc(vec![allow(&["ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"], "*")], false),
                )],
            );
            b.c.case(
                "default version allows * on *, attached to a group",
                FULL_ADMIN,
                &admin_everything.arn,
                None,
                Expect::Fail,
            );
            b.c.case("same document, AttachmentCount 0", FULL_ADMIN, &unused.arn, None, Expect::Absent);
            b.c.case(
                "non-default version allows * on *, default is scoped",
                FULL_ADMIN,
                &reporting.arn,
                None,
                Expect::Pass,
            );
            b.c.case(
                "AWS managed AdministratorAccess attached to a role",
                FULL_ADMIN,
                &administrator.arn,
                None,
                Expect::Fail,
            );
            b.c.case("AWS managed ReadOnlyAccess", FULL_ADMIN, &read_only.arn, None, Expect::Pass);

            let developer = b.inline("developer-access", vec![allow(&["lambda:*", "logs:*", "dynamodb:*"], "*")]);
            b.group("platform-admins", vec![admin_everything], Vec::new());
            let developers = b.group("developers", Vec::new(), vec![developer]);
            b.c.case(
                "scoped inline group policy",
                FULL_ADMIN,
                &format!("{developers}#developer-access"),
                None,
                Expect::Pass,
            );
            let alice = b.user("alice.admin", &["platform-admins"], Vec::new(), Vec::new());
            let bob = b.user("bob.contractor", &[], vec![read_only], Vec::new());
            let backup =
                b.inline("legacy-s3-backup", vec![allow(&["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::acme-*/*")]);
            let legacy = b.user("svc-legacy-backup", &[], Vec::new(), vec![backup]);
            let ci = b.user("ci-deploy", &["developers"], Vec::new(), Vec::new());
            b.c.case("permissions only through groups", USER_ATTACHED, &alice, None, Expect::Pass);
            b.c.case("permissions only through groups", USER_ATTACHED, &ci, None, Expect::Pass);
            b.c.case("a managed policy attached to the user", USER_ATTACHED, &bob, None, Expect::Fail);
            b.c.case("an inline user policy", USER_ATTACHED, &legacy, None, Expect::Fail);
            b.c.case(
                "scoped inline user policy",
                FULL_ADMIN,
                &format!("{legacy}#legacy-s3-backup"),
                None,
                Expect::Pass,
            );

            let mut emergency =
                b.inline("emergency-access", vec![statement(Effect::Allow, Strs::many(&["*"]), Strs::one("*"))]);
            // The CLI prints objects; this one document is kept URL-encoded, as some tools record it.
            emergency.doc.encoded = true;
            let breakglass = b.role("ops-breakglass", "/", trust_account(&account, false), Vec::new(), vec![emergency]);
            b.c.case(
                "inline role policy Action [\"*\"] Resource \"*\", URL-encoded",
                FULL_ADMIN,
                &format!("{breakglass}#emergency-access"),
                None,
                Expect::Fail,
            );
            b.role(
                "OrganizationAccountAccessRole",
                "/",
                trust_account("999988887777", false),
                vec![administrator],
                Vec::new(),
            );
            b.role("reporting", "/", trust("athena.amazonaws.com", false), vec![reporting], Vec::new());
            let secrets = b.inline("app-secrets", vec![allow(&["secretsmanager:GetSecretValue"], "*")]);
            let app = b.role("ec2-app-role", "/", trust("ec2.amazonaws.com", false), vec![ssm], vec![secrets]);
            b.c.case("scoped inline role policy", FULL_ADMIN, &format!("{app}#app-secrets"), None, Expect::Pass);
            b.role("github-actions-deploy", "/ci/", trust_account(&account, false), vec![deploy], Vec::new());
            let flow = b.inline("flow-logs-delivery", vec![allow(&["logs:CreateLogStream", "logs:PutLogEvents"], "*")]);
            b.role(
                "flow-logs-delivery",
                "/service-role/",
                trust("vpc-flow-logs.amazonaws.com", false),
                Vec::new(),
                vec![flow],
            );
        }
        1 => {
            let power = b.policy(
                "DevPowerUser",
                false,
                vec![(true, doc(vec![allow(&["ec2:*", "s3:*", "lambda:*"], "*")], true))],
            );
            let administrator = b.policy("AdministratorAccess", true, vec![(true, admin_doc(true))]);
            b.c.case("scoped customer policy, URL-encoded", FULL_ADMIN, &power.arn, None, Expect::Pass);
            b.c.case(
                "AdministratorAccess attached to a user, URL-encoded",
                FULL_ADMIN,
                &administrator.arn,
                None,
                Expect::Fail,
            );
            b.group("developers", vec![power], Vec::new());
            let lead = b.user("dev.lead", &["developers"], vec![administrator], Vec::new());
            let junior = b.user("junior.dev", &["developers"], Vec::new(), Vec::new());
            b.c.case("AdministratorAccess attached to the user", USER_ATTACHED, &lead, None, Expect::Fail);
            b.c.case("permissions only through groups", USER_ATTACHED, &junior, None, Expect::Pass);
            let logs = b.inline("lambda-logs", vec![allow(&["logs:CreateLogStream", "logs:PutLogEvents"], "*")]);
            b.role("lambda-exec", "/", trust("lambda.amazonaws.com", true), Vec::new(), vec![logs]);
        }
        _ => {
            let deploy =
                b.policy("SandboxDeploy", false, vec![(true, doc(vec![allow(&["cloudformation:*"], "*")], false))]);
            let everything = b.inline("sandbox-admin", vec![allow(&["*"], "*")]);
            let user = b.user("sandbox.user", &[], Vec::new(), vec![everything]);
            b.c.case(
                "inline user policy Action \"*\" Resource \"*\"",
                FULL_ADMIN,
                &format!("{user}#sandbox-admin"),
                None,
                Expect::Fail,
            );
            b.c.case("an inline user policy", USER_ATTACHED, &user, None, Expect::Fail);
            b.role("sandbox-ci", "/", trust_account(&account, false), vec![deploy], Vec::new());
        }
    }
    // Background users, each only in groups.
    let group = b.iam.groups.first().map(|g| g.name.clone());
    for _ in 0..b.c.count() {
        let word = b.c.rng.pick(&WORDS);
        let name = format!("{word}.{}", b.c.hex(4));
        let groups: Vec<&str> = group.iter().map(String::as_str).collect();
        b.user(&name, &groups, Vec::new(), Vec::new());
    }
    b.finish()
}
