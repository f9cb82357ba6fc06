"""The people side: cases handed to child-welfare workers (cases), referrals to programmes,
regions and who a case goes to (routing, placement, imports), texts to and from workers' own
phones (staff, worker_sms) and a family's data for export and erasure (family_data)."""
