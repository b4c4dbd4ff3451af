//! Slugs for public addresses (`/startups/{slug}`): lower-case ASCII words joined by hyphens,
//! French accents folded (« Énergie & Cie » → `energie-cie`).

/// The most characters of a slug; a longer one is cut after its last whole word.
const MAX: usize = 60;

/// The slug of a name; `fallback` when nothing usable remains.
pub fn slugify(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars().flat_map(fold) {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else {
            dash = true;
        }
        if out.len() > MAX {
            // A word cut in two reads wrong: keep the whole words (one long word is cut).
            match out[..=MAX].rfind('-') {
                Some(end) => out.truncate(end),
                None => out.truncate(MAX),
            }
            break;
        }
    }
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out
    }
}

/// The first slug of `name` that `taken` says is free: `name`, then `name-2`, `name-3`…
/// `None` after 999 tries.
pub fn first_free<E>(
    name: &str,
    fallback: &str,
    mut taken: impl FnMut(&str) -> Result<bool, E>,
) -> Result<Option<String>, E> {
    let base = slugify(name, fallback);
    if !taken(&base)? {
        return Ok(Some(base));
    }
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if !taken(&candidate)? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Folds the accented letters of French (and a few neighbours) to ASCII.
fn fold(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => "u",
        'ÿ' | 'Ÿ' | 'ý' | 'Ý' => "y",
        'ñ' | 'Ñ' => "n",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let single = folded.is_empty().then_some(c);
    folded.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Énergie & Cie", "x"), "energie-cie");
        assert_eq!(slugify("  Cœur de Picardie  ", "x"), "coeur-de-picardie");
        assert_eq!(slugify("ENGIE Cofely", "x"), "engie-cofely");
        assert_eq!(slugify("!!!", "organisation"), "organisation");
        assert_eq!(slugify(&"a".repeat(200), "x").len(), 60);
        assert_eq!(
            slugify(
                "Récupérer la chaleur des eaux usées : le réseau de chaleur d’Amiens",
                "x"
            ),
            "recuperer-la-chaleur-des-eaux-usees-le-reseau-de-chaleur-d"
        );
    }
}
