-- The ward's capacity is now changed on its set-up page. Each change is kept beside the timers' and rota's,
-- so occupancy measures each past day against the capacity the ward had that day, not today's.
ALTER TABLE "ward_setting_change" DROP CONSTRAINT "ward_setting_change_setting_check";
--> statement-breakpoint
ALTER TABLE "ward_setting_change" ADD CONSTRAINT "ward_setting_change_setting_check" CHECK ("setting" IN ('responses', 'rota', 'capacity'));
