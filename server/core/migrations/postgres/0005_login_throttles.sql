-- Sign-in throttling with growing delays instead of a lockout (issue 9). One row per thing
-- that is counted: an account and address pair, an account from addresses it never signed
-- in from, an address, or a user changing their own password. A failure (counted before the
-- password is checked) past the free ones blocks that key for a delay that doubles.
CREATE TABLE login_throttles (
    key              TEXT    PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('pair', 'account', 'address', 'password')),
    account          TEXT    NOT NULL,
    ip               TEXT    NOT NULL,
    failures         BIGINT NOT NULL CHECK (failures >= 0),
    last_failure_at  BIGINT NOT NULL,
    blocked_until    BIGINT NOT NULL
);
CREATE INDEX login_throttles_last_failure ON login_throttles (last_failure_at);

-- Addresses an account has signed in from: failures from elsewhere never slow these down.
CREATE TABLE login_known_addresses (
    account          TEXT    NOT NULL,
    ip               TEXT    NOT NULL,
    last_success_at  BIGINT NOT NULL,
    PRIMARY KEY (account, ip)
);

-- The per-attempt log is replaced by the counters above.
DROP TABLE login_attempts;
