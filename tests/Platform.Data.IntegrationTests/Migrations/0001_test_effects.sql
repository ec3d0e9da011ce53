-- An effect that would double if a message were handled twice.
CREATE TABLE effects (
    name  text    PRIMARY KEY,
    count integer NOT NULL
);
