-- One PostgreSQL server, one database per application (created on the first start only).
CREATE DATABASE bridge;
CREATE DATABASE baserow;
CREATE DATABASE docmost;
