-- Setup is bound to a one-time token the server prints when it starts on an empty database
-- (issue 9): without it, any page a browser on the hub's machine or network opened (for
-- example through DNS rebinding) could create the Administrator first. At most one row;
-- deleted when setup completes.
CREATE TABLE setup_token (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    token       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
