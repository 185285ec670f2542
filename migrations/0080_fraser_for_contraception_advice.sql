-- Fraser guidelines are for contraception advice, and contraception advice
-- is assessed against them (issue 16); other decisions use Gillick. Rows
-- recorded before this check stand as they were (NOT VALID): assessments
-- are never changed.
ALTER TABLE "competence_assessment" ADD CONSTRAINT "competence_assessment_fraser_check" CHECK (("framework" = 'fraser') = ("decision" = 'contraception-advice')) NOT VALID;
