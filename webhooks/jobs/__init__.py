"""Work done after a commit, by the queue consumer: the queue and how the domain asks for work
(queue), the jobs themselves (tasks) and one job at a time per conversation (leases)."""
