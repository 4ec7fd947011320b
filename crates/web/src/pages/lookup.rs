//! Names for the codes and ids that items carry, and the division choices of
//! the filter forms.

use std::collections::HashMap;

use bianli_app::{App, AppError};
use bianli_domain::catalog::Department;
use bianli_domain::division::{Division, Level};

pub struct Names {
    pub divisions: Vec<Division>,
    division_names: HashMap<String, String>,
    departments: HashMap<i64, Department>,
}

impl Names {
    pub async fn load(app: &App) -> Result<Names, AppError> {
        let divisions = app.divisions().await?;
        let departments = app.departments().await?;
        Ok(Names::new(divisions, departments))
    }

    pub fn new(divisions: Vec<Division>, departments: Vec<Department>) -> Names {
        Names {
            division_names: divisions
                .iter()
                .map(|d| (d.code.to_string(), d.name.clone()))
                .collect(),
            divisions,
            departments: departments.into_iter().map(|d| (d.id, d)).collect(),
        }
    }

    /// The division's name, or its code when the reference data lacks it.
    pub fn division(&self, code: &str) -> String {
        self.division_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    pub fn department(&self, id: i64) -> Option<&Department> {
        self.departments.get(&id)
    }

    pub fn department_name(&self, id: i64) -> String {
        self.department(id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| format!("部门 {id}"))
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        let selected = !value.is_empty() && value == current.trim();
        Choice {
            value,
            label: label.into(),
            selected,
        }
    }
}

pub struct ChoiceGroup {
    pub label: String,
    pub choices: Vec<Choice>,
}

/// The province, the cities, then each city's counties under it; counties
/// the province administers directly come last.
pub fn division_groups(divisions: &[Division], current: &str) -> Vec<ChoiceGroup> {
    let of_level = |l: Level| divisions.iter().filter(move |d| d.level == l);
    let pick = |d: &Division| Choice::new(d.code.to_string(), d.name.clone(), current);
    let mut groups = vec![
        ChoiceGroup {
            label: "省级".into(),
            choices: of_level(Level::Province).map(pick).collect(),
        },
        ChoiceGroup {
            label: "市州".into(),
            choices: of_level(Level::City).map(pick).collect(),
        },
    ];
    for city in of_level(Level::City) {
        let counties: Vec<Choice> = of_level(Level::County)
            .filter(|c| c.parent.as_ref() == Some(&city.code))
            .map(pick)
            .collect();
        if !counties.is_empty() {
            groups.push(ChoiceGroup {
                label: format!("{} 所辖县市区", city.name),
                choices: counties,
            });
        }
    }
    let cities: Vec<&str> = of_level(Level::City).map(|c| c.code.as_str()).collect();
    let direct: Vec<Choice> = of_level(Level::County)
        .filter(|c| {
            c.parent
                .as_ref()
                .is_none_or(|p| !cities.contains(&p.as_str()))
        })
        .map(pick)
        .collect();
    if !direct.is_empty() {
        groups.push(ChoiceGroup {
            label: "省直管县市".into(),
            choices: direct,
        });
    }
    groups.retain(|g| !g.choices.is_empty());
    groups
}
