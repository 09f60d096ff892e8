//! Directory role membership: `directoryRoles?$expand=members` (one record per activated role with
//! its members) or `roleManagement/directory/roleAssignments` (one record per assignment, possibly
//! with `principal` and `roleDefinition` expanded), gathered by role. A member is named by its
//! userPrincipalName, else display name, else object id, whichever file it came from.

use std::collections::HashMap;

use serde_json::Value;

use super::fields::{Object, Page, Tally, child, each_record, get, record_locator, text_field};
use crate::formats::common::json_kind;
use crate::formats::entra::model::RoleMembers;

enum Entry {
    Role(RoleMembers),
    Assignment { role: String, display_name: Option<String>, member: String, locator: u64 },
}

pub(super) fn from_json(page: &Page, tally: &mut Tally) -> Vec<RoleMembers> {
    let entries = each_record(page, tally, |n, record, tally| {
        if let Some(role) = text_field(record, "roleTemplateId") {
            return directory_role(n, record, role, tally).map(Entry::Role);
        }
        let definition = child(record, "roleDefinition");
        // Built-in roles' definition ids are their template ids; an expanded definition says so.
        let Some(role) =
            definition.and_then(|d| text_field(d, "templateId")).or_else(|| text_field(record, "roleDefinitionId"))
        else {
            return Err("neither roleTemplateId nor roleDefinitionId; skipped".into());
        };
        let member = child(record, "principal")
            .and_then(member_name)
            .or_else(|| text_field(record, "principalId"))
            .ok_or("role assignment without principalId or principal; skipped")?;
        Ok(Entry::Assignment {
            role,
            display_name: definition.and_then(|d| text_field(d, "displayName")),
            member,
            locator: n,
        })
    });

    let mut roles: Vec<RoleMembers> = Vec::new();
    // Assignments of one role gather into the entry of its first assignment, in file order.
    let mut by_role: HashMap<String, usize> = HashMap::new();
    for entry in entries {
        match entry {
            Entry::Role(role) => roles.push(role),
            Entry::Assignment { role, display_name, member, locator } => {
                let index = *by_role.entry(role.clone()).or_insert_with(|| {
                    roles.push(RoleMembers {
                        role_template_id: role,
                        display_name: None,
                        members: Vec::new(),
                        locator,
                    });
                    roles.len() - 1
                });
                if let Some(gathered) = roles.get_mut(index) {
                    if gathered.display_name.is_none() {
                        gathered.display_name = display_name;
                    }
                    // One principal assigned at two scopes is still one member.
                    if !gathered.members.contains(&member) {
                        gathered.members.push(member);
                    }
                }
            }
        }
    }
    roles
}

fn directory_role(n: u64, record: &Object, role: String, tally: &mut Tally) -> Result<RoleMembers, String> {
    let locator = record_locator(n);
    let members = match get(record, "members") {
        Some(Value::Array(members)) => members,
        // Without $expand=members the role looks empty; counting it as empty would be a false finding.
        None | Some(Value::Null) => {
            return Err("directory role without members (export with $expand=members); skipped".into());
        }
        Some(other) => return Err(format!("members is {}, not an array; skipped", json_kind(other))),
    };
    let mut names = Vec::with_capacity(members.len());
    for (index, member) in members.iter().enumerate() {
        match member.as_object().and_then(member_name) {
            Some(name) if !names.contains(&name) => names.push(name),
            Some(_) => {}
            None => tally
                .note(&locator, format!("member {} has no userPrincipalName, displayName or id; ignored", index + 1)),
        }
    }
    Ok(RoleMembers {
        role_template_id: role,
        display_name: text_field(record, "displayName"),
        members: names,
        locator: n,
    })
}

fn member_name(member: &Object) -> Option<String> {
    text_field(member, "userPrincipalName")
        .or_else(|| text_field(member, "displayName"))
        .or_else(|| text_field(member, "id"))
}

#[cfg(test)]
mod tests {
    use super::super::{DirectoryFile, DirectoryKind, parse};
    use crate::formats::entra::model::{EntraExport, GLOBAL_ADMIN_TEMPLATE, RoleMembers};

    fn roles(file: &DirectoryFile) -> &[RoleMembers] {
        match &file.export {
            EntraExport::Roles(r) => r,
            other => panic!("roles expected, got {other:?}"),
        }
    }

    #[test]
    fn directory_roles_with_expanded_members() {
        let json = r##"{"value":[
          {"id":"r-obj-1","displayName":"Global Administrator","roleTemplateId":"62e90394-69f5-4237-9190-012177145e10",
           "members":[{"@odata.type":"#microsoft.graph.user","id":"u1","displayName":"Adele","userPrincipalName":"adele@x.com"},
                      {"@odata.type":"#microsoft.graph.servicePrincipal","id":"sp1","displayName":"Automation"},
                      {"@odata.type":"#microsoft.graph.user","id":"u9"},
                      {"@odata.type":"#microsoft.graph.user"}]},
          {"id":"r-obj-2","displayName":"Security Reader","roleTemplateId":"5d6b6bb7-de71-4623-b4af-96380a352509","members":[]},
          {"id":"r-obj-3","displayName":"Not expanded","roleTemplateId":"t-3"}
        ]}"##;
        let file = parse("roles.json", json.as_bytes(), DirectoryKind::Roles).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (3, 1));
        let r = roles(&file);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].role_template_id, GLOBAL_ADMIN_TEMPLATE);
        assert_eq!(r[0].display_name.as_deref(), Some("Global Administrator"));
        assert_eq!(r[0].members, ["adele@x.com", "Automation", "u9"]);
        assert!(r[1].members.is_empty());
        assert_eq!(r[1].locator, 2);
        let said: Vec<(Option<&str>, &str)> =
            file.diagnostics.iter().map(|d| (d.locator.as_deref(), d.message.as_str())).collect();
        assert_eq!(
            said,
            [
                (Some("record 1"), "member 4 has no userPrincipalName, displayName or id; ignored"),
                (Some("record 3"), "directory role without members (export with $expand=members); skipped"),
            ]
        );
    }

    #[test]
    fn role_assignments_grouped_by_role() {
        let ga = GLOBAL_ADMIN_TEMPLATE;
        let json = format!(
            r##"{{"value":[
              {{"id":"a1","principalId":"u1","roleDefinitionId":"{ga}","directoryScopeId":"/",
                "principal":{{"@odata.type":"#microsoft.graph.user","id":"u1","userPrincipalName":"adele@x.com"}}}},
              {{"id":"a2","principalId":"u2","roleDefinitionId":"role-b","directoryScopeId":"/"}},
              {{"id":"a3","principalId":"u3","roleDefinitionId":"{ga}","directoryScopeId":"/",
                "principal":{{"id":"u3","userPrincipalName":"megan@x.com"}},
                "roleDefinition":{{"displayName":"Global Administrator","templateId":"{ga}"}}}},
              {{"id":"a4","principalId":"u1","roleDefinitionId":"{ga}","directoryScopeId":"/administrativeUnits/au1",
                "principal":{{"userPrincipalName":"adele@x.com"}}}},
              {{"id":"a5","principalId":"u4","roleDefinitionId":"{ga}","principal":null}},
              {{"id":"a6","roleDefinitionId":"{ga}"}}
            ]}}"##
        );
        let file = parse("assignments.json", json.as_bytes(), DirectoryKind::Roles).unwrap();
        assert_eq!((file.records_read, file.records_rejected), (6, 1));
        assert_eq!(file.diagnostics[0].locator.as_deref(), Some("record 6"));
        let r = roles(&file);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].role_template_id, ga);
        assert_eq!(r[0].display_name.as_deref(), Some("Global Administrator"));
        // adele once though assigned twice; u4 by principalId when principal was not expanded.
        assert_eq!(r[0].members, ["adele@x.com", "megan@x.com", "u4"]);
        assert_eq!(r[0].locator, 1);
        assert_eq!(
            (r[1].role_template_id.as_str(), r[1].members.as_slice(), r[1].locator),
            ("role-b", &["u2".to_string()][..], 2)
        );
        assert_eq!(r[1].display_name, None);
    }
}
