CREATE TABLE "attempt_samples" (
	"attempt_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"gpus" jsonb NOT NULL,
	"cpu_w" real,
	"method" text NOT NULL,
	CONSTRAINT "attempt_samples_attempt_id_seq_pk" PRIMARY KEY("attempt_id","seq")
);
--> statement-breakpoint
CREATE TABLE "bills" (
	"job_id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"site_id" text,
	"currency" text NOT NULL,
	"total" double precision NOT NULL,
	"hardware" double precision NOT NULL,
	"energy" double precision NOT NULL,
	"operations" double precision NOT NULL,
	"storage" double precision NOT NULL,
	"bandwidth" double precision NOT NULL,
	"it_kwh" double precision NOT NULL,
	"facility_kwh" double precision NOT NULL,
	"co2e_kg" double precision NOT NULL,
	"energy_method" text NOT NULL,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_attempts" ADD COLUMN "gpu_indices" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "job_attempts" ADD COLUMN "milli_per_gpu" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_attempts" ADD COLUMN "energy" jsonb;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "gpus" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "cpu_milli" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "memory_mib" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "gpu_model" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "expected_seconds" real;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "earliest_start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "wait_reason" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "planned_start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "grid_zone" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "rates" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "site_id" text;--> statement-breakpoint
ALTER TABLE "attempt_samples" ADD CONSTRAINT "attempt_samples_attempt_id_job_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."job_attempts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_started" ON "jobs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "jobs_finished" ON "jobs" USING btree ("finished_at");--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_gpus_whole_or_share" CHECK ("jobs"."gpus" >= 0 AND ("jobs"."gpus" < 1 OR "jobs"."gpus" = floor("jobs"."gpus")));--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_cpu_memory_nonnegative" CHECK ("jobs"."cpu_milli" >= 0 AND "jobs"."memory_mib" >= 0);