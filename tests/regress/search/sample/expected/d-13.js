morgueSearch.load("d-13","ix7Nq7EA",2);
