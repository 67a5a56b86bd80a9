morgueSearch.load("d-6","ix7prbVYAA==",2);
