-- Roles gain the city-scoped reporter (市级填报人); a user may be scoped to one region (NULL = province-wide).
CREATE TABLE users_v6 (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'reporter', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT false,
    region TEXT
);
INSERT INTO users_v6 SELECT name, role, password_hash, created_at, disabled, NULL FROM users;
DROP TABLE users;
ALTER TABLE users_v6 RENAME TO users;
