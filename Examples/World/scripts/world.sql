-- TechEmpower Framework Benchmarks: the PostgreSQL schema and data
-- (tables World and Fortune of database hello_world).
--
-- Names are unquoted, so PostgreSQL folds them to lower case: the tables are
-- `world` and `fortune`, the column is `randomnumber`.
--
-- Re-runnable: the tables are dropped and recreated, and World gets fresh
-- random numbers. `postgres.sh start` loads this file once into a new
-- cluster; `postgres.sh reset` loads it again before a benchmark.
--
-- Load it as the owner of the tables, e.g.
--   psql -v ON_ERROR_STOP=1 -f world.sql postgres://benchmarkdbuser:benchmarkdbpass@127.0.0.1:15432/hello_world

-- The fortunes hold em dashes and Japanese: read this file as UTF-8 whatever
-- the client's locale says.
SET client_encoding = 'UTF8';
-- No "table does not exist, skipping" notices on the first load.
SET client_min_messages = warning;

BEGIN;

DROP TABLE IF EXISTS World;
DROP TABLE IF EXISTS Fortune;

CREATE TABLE World (
  id integer NOT NULL,
  randomNumber integer NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
);

-- random() is in [0, 1), so floor(random() * 10000 + 1) is in 1...10000;
-- least() only guards against rounding.
INSERT INTO World (id, randomNumber)
SELECT x.id, least(floor(random() * 10000 + 1), 10000)
FROM generate_series(1, 10000) AS x(id);

CREATE TABLE Fortune (
  id integer NOT NULL,
  message varchar(2048) NOT NULL,
  PRIMARY KEY (id)
);

INSERT INTO Fortune (id, message) VALUES
  (1, 'fortune: No such file or directory'),
  (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
  (3, 'After enough decimal places, nobody gives a damn.'),
  (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
  (5, 'A computer program does what you tell it to do, not what you want it to do.'),
  (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
  (7, 'Any program that runs right is obsolete.'),
  (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
  (9, 'Feature: A bug with seniority.'),
  (10, 'Computers make very fast, very accurate mistakes.'),
  (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
  (12, 'フレームワークのベンチマーク');

COMMIT;

-- Fresh statistics, so the planner uses the primary keys from the first query.
ANALYZE World;
ANALYZE Fortune;
