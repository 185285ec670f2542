-- The hub, place and ICS totals are tenant-owned like the practice rollup they are summed from.
SELECT joinery_tenant_table('population_area_rollup');
