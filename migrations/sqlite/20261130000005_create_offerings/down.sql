DROP TABLE offering_decisions;
DROP TABLE offering_themes;
DROP TABLE offerings;
