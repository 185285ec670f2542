CREATE TABLE "population_area_rollup" (
	"ics_id" uuid NOT NULL,
	"level" text NOT NULL,
	"area_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"dimension" text NOT NULL,
	"month" date NOT NULL,
	"category" text NOT NULL,
	"value" numeric NOT NULL,
	CONSTRAINT "population_area_rollup_ics_id_level_area_id_measure_dimension_month_category_pk" PRIMARY KEY("ics_id","level","area_id","measure","dimension","month","category")
);
