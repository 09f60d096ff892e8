//! How a caller shows in a record: its client (`userAgent`) and the TLS details of its connection.

use serde_json::Value;

use super::background::GLOBAL;
use super::population::Agent;
use super::record::TlsDetails;
use crate::rng::Rng;

/// `userAgent` of `agent` calling `source`'s `name`.
pub(crate) fn user_agent(agent: Agent, source: &str, name: &str) -> String {
    match agent {
        Agent::Cli => {
            let service = source.trim_end_matches(".amazonaws.com");
            let mut command = String::new();
            for (i, ch) in name.chars().take_while(|c| !c.is_ascii_digit()).enumerate() {
                if ch.is_ascii_uppercase() && i > 0 {
                    command.push('-');
                }
                command.push(ch.to_ascii_lowercase());
            }
            format!(
                "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 \
                 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#{service}.{command}"
            )
        }
        Agent::Console => "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) \
                           Chrome/126.0.0.0 Safari/537.36"
            .to_owned(),
        Agent::Terraform => {
            "APN/1.0 HashiCorp/1.0 Terraform/1.9.2 (+https://www.terraform.io) terraform-provider-aws/5.58.0 \
                             (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.1 os/linux \
                             lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64"
                .to_owned()
        }
        Agent::Boto => {
            "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 md/arch#x86_64 \
                        lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy \
                        Botocore/1.34.145"
                .to_owned()
        }
        Agent::Java => {
            "aws-sdk-java/2.25.60 Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.3+9-LTS \
                        Java/21.0.3 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache \
                        cfg/retry-mode/legacy"
                .to_owned()
        }
        Agent::Go => {
            "aws-sdk-go-v2/1.30.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.168.0".to_owned()
        }
        Agent::Ssm => "aws-sdk-go/1.44.326 (go1.21.9; linux; amd64) amazon-ssm-agent/3.3.484.0".to_owned(),
    }
}

/// The TLS details of a call made from outside AWS's own services.
pub(crate) fn tls(rng: &mut Rng, source: &str, region: &str, request: &Value) -> TlsDetails {
    let prefix = source.trim_end_matches(".amazonaws.com");
    let host = if GLOBAL.contains(&source) {
        source.to_owned()
    } else if let Some(bucket) = request.get("bucketName").and_then(Value::as_str).filter(|_| prefix == "s3") {
        format!("{bucket}.s3.{region}.amazonaws.com")
    } else {
        format!("{prefix}.{region}.amazonaws.com")
    };
    let (tls_version, cipher_suite) =
        if rng.chance(80) { ("TLSv1.3", "TLS_AES_128_GCM_SHA256") } else { ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256") };
    TlsDetails { tls_version, cipher_suite, client_provided_host_header: host }
}
