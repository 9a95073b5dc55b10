CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"user_id" text NOT NULL,
	"access_token" text,
	"refresh_token" text,
	"id_token" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"scope" text,
	"password" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"month" timestamp with time zone NOT NULL,
	"amount" double precision NOT NULL,
	"currency" text NOT NULL,
	"hold_over_budget" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_amount_positive" CHECK ("budgets"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "cost_lines" (
	"job_id" text NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"site_id" text,
	"team_id" text NOT NULL,
	"project" text,
	"node" text,
	"gpu_model" text,
	"currency" text NOT NULL,
	"hardware" double precision NOT NULL,
	"energy" double precision NOT NULL,
	"operations" double precision NOT NULL,
	"storage" double precision NOT NULL,
	"bandwidth" double precision NOT NULL,
	"total" double precision NOT NULL,
	"gpu_hours" double precision NOT NULL,
	"it_kwh" double precision NOT NULL,
	"facility_kwh" double precision NOT NULL,
	"co2e_kg" double precision NOT NULL,
	"billed" boolean DEFAULT true NOT NULL,
	CONSTRAINT "cost_lines_job_id_day_pk" PRIMARY KEY("job_id","day")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "usage_hours" (
	"site_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"currency" text NOT NULL,
	"gpus" integer NOT NULL,
	"gpu_hours_allocated" double precision NOT NULL,
	"gpu_hours_used" double precision NOT NULL,
	"it_kwh" double precision NOT NULL,
	"jobs_it_kwh" double precision NOT NULL,
	"facility_kwh" double precision NOT NULL,
	"pue" real NOT NULL,
	"price_per_kwh" double precision NOT NULL,
	"kg_per_kwh" double precision NOT NULL,
	"hardware" double precision NOT NULL,
	"energy" double precision NOT NULL,
	"operations" double precision NOT NULL,
	"storage" double precision NOT NULL,
	"bandwidth" double precision NOT NULL,
	"total" double precision NOT NULL,
	"jobs_cost" double precision NOT NULL,
	"idle_cost" double precision NOT NULL,
	"shared_cost" double precision NOT NULL,
	"co2e_kg" double precision NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "usage_hours_site_id_hour_pk" PRIMARY KEY("site_id","hour")
);
--> statement-breakpoint
CREATE TABLE "verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"identifier" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "project" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "origin" text DEFAULT 'submitted' NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "held_reason" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "rack" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_verified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "image" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_lines" ADD CONSTRAINT "cost_lines_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_lines" ADD CONSTRAINT "cost_lines_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_lines" ADD CONSTRAINT "cost_lines_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_hours" ADD CONSTRAINT "usage_hours_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_user" ON "accounts" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "budgets_team_month" ON "budgets" USING btree ("team_id","month");--> statement-breakpoint
CREATE INDEX "cost_lines_day_team" ON "cost_lines" USING btree ("day","team_id");--> statement-breakpoint
CREATE INDEX "cost_lines_site_day" ON "cost_lines" USING btree ("site_id","day");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");