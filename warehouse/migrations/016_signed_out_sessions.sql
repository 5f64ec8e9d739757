-- Signing out ends the session on the server too (issue 22): the signed cookie of a session that signed out is
-- refused even when the browser still sends it (a reload before the cookie was deleted, a copied cookie).
CREATE TABLE signed_out_sessions (
    token_hash TEXT PRIMARY KEY,         -- sha256 of the cookie's value: the cookie itself is never stored
    signed_out_at TIMESTAMP NOT NULL
);
