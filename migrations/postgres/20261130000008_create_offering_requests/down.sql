DROP TABLE offering_requests;
