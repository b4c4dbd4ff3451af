-- An organization's logo: the random name of the stored file under <data_dir>/media/logos.
ALTER TABLE organizations ADD COLUMN logo TEXT;
