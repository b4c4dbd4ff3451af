-- The shared vocabulary of cluster themes, with French and English labels.
CREATE TABLE themes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE CHECK (slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*' AND slug NOT GLOB '*-' AND slug NOT GLOB '*--*' AND slug <> '' AND length(slug) <= 60),
    label_fr TEXT NOT NULL CHECK (length(label_fr) BETWEEN 1 AND 80),
    label_en TEXT NOT NULL CHECK (length(label_en) BETWEEN 1 AND 80),
    description_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO themes (slug, label_fr, label_en, description_fr, description_en, position) VALUES
  ('energie', 'Énergie', 'Energy', 'Réseaux de chaleur, énergies renouvelables, efficacité énergétique.', 'Heat networks, renewable energy, energy efficiency.', 1),
  ('environnement', 'Environnement', 'Environment', 'Eau, déchets, biodiversité, décarbonation.', 'Water, waste, biodiversity, decarbonisation.', 2),
  ('sante', 'Santé', 'Health', 'E-santé, dispositifs médicaux, parcours de soins avec le CHU.', 'E-health, medical devices, care pathways with the university hospital.', 3),
  ('numerique', 'Numérique', 'Digital', 'Logiciels, données, intelligence artificielle, cybersécurité.', 'Software, data, artificial intelligence, cybersecurity.', 4),
  ('mobilite', 'Mobilité', 'Mobility', 'Transports, logistique urbaine, mobilités douces.', 'Transport, urban logistics, active mobility.', 5),
  ('industrie', 'Industrie', 'Industry', 'Industrie du futur, matériaux, production.', 'Industry of the future, materials, manufacturing.', 6),
  ('agroalimentaire', 'Agroalimentaire', 'Agri-food', 'Agriculture, alimentation, bioéconomie.', 'Agriculture, food, bioeconomy.', 7),
  ('ville-durable', 'Ville durable', 'Sustainable city', 'Bâtiment, urbanisme, services aux habitants.', 'Buildings, urban planning, services for residents.', 8),
  ('innovation-sociale', 'Innovation sociale et culturelle', 'Social and cultural innovation', 'Emploi, inclusion, culture, vie associative.', 'Employment, inclusion, culture, community life.', 9);
