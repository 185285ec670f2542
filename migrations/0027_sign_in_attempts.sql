-- Sign-in attempts, counted in the database so a limit holds across restarts
-- and across processes. Counted before sign-in knows the tenant, so (like
-- session) this is platform data, not tenant-owned. One row per email and
-- address pair ('pair') and per address ('address'); keys are SHA-256 hashes,
-- so no email or address is kept.
CREATE TABLE "sign_in_attempt" (
	"scope" text NOT NULL,
	"key_hash" text NOT NULL,
	"attempts" integer NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sign_in_attempt_scope_key_hash_pk" PRIMARY KEY("scope","key_hash"),
	CONSTRAINT "sign_in_attempt_scope_check" CHECK ("scope" IN ('pair', 'address'))
);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_attempt TO joinery_app;
