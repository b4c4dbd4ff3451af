DROP TABLE themes;
